package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/**
 * Applies the FilterCriteria of template.yaml itself (never restated here) to the sample stream
 * records of events/, with event-ruler, the matcher Lambda's event filtering uses.
 */
class TemplateFilterTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();

    private static List<String> filterPatterns(Map<String, String> parameters) {
        Template template = Template.load(ROOT.resolve("template.yaml"), parameters);
        Map<String, Object> function = template.resources().get("RunExpiredJobsFunction");
        Map<String, Object> props = TemplateModel.functionProperties(template, function);
        Map<String, Object> event = Template.map(Template.map(props.get("Events")).get("JobsTableTtlDeletions"));
        assertThat(event.get("Type")).isEqualTo("DynamoDB");
        Map<String, Object> resolved = Template.map(template.resolve(event.get("Properties"), new Template.Resolver() {
            @Override
            public String ref(String logicalId) {
                return logicalId;
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                return logicalId + "." + attribute;
            }
        }, "test"));
        List<String> patterns = new ArrayList<>();
        for (Object f : (List<?>) Template.map(resolved.get("FilterCriteria")).get("Filters")) {
            patterns.add(String.valueOf(Template.map(f).get("Pattern")));
        }
        return patterns;
    }

    private static boolean passes(List<String> patterns, JsonNode record) throws Exception {
        Machine machine = new Machine();
        for (int i = 0; i < patterns.size(); i++) {
            machine.addRule("f" + i, patterns.get(i));
        }
        return !machine.rulesForJSONEvent(Json.write(record)).isEmpty();
    }

    private static List<JsonNode> records(String sample) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Json.MAPPER.readTree(Files.readString(ROOT.resolve("events").resolve(sample))).path("Records").forEach(out::add);
        return out;
    }

    @Test
    void theStrictFilterPassesTtlDeletionsOnly() throws Exception {
        List<String> patterns = filterPatterns(Map.of());

        assertThat(records("ttl-remove-record.json")).hasSize(2).allSatisfy(r -> assertThat(passes(patterns, r)).isTrue());
        assertThat(records("user-delete-record.json")).hasSize(1).allSatisfy(r -> assertThat(passes(patterns, r)).isFalse());
    }

    @Test
    void theFilterLooksAtTheLambdaRecordShapeNotTheStreamsApiShape() throws Exception {
        List<String> patterns = filterPatterns(Map.of());
        JsonNode ttl = records("ttl-remove-record.json").get(0);
        String apiShape = Json.write(ttl).replace("\"userIdentity\"", "\"UserIdentity\"").replace("\"type\"", "\"Type\"");

        assertThat(passes(patterns, Json.read(apiShape))).as("Streams API field names do not match").isFalse();
    }

    @Test
    void anInsertOrModifyNeverPasses() throws Exception {
        List<String> patterns = filterPatterns(Map.of());
        String insert = Json.write(records("ttl-remove-record.json").get(0)).replace("\"REMOVE\"", "\"INSERT\"");

        assertThat(passes(patterns, Json.read(insert))).isFalse();
    }

    @Test
    void theLocalStackModePassesEveryRemoveAndSaysSo() throws Exception {
        List<String> patterns = filterPatterns(Map.of("TtlDeletionFilter", "any-remove"));

        assertThat(passes(patterns, records("user-delete-record.json").get(0))).isTrue();
        assertThat(passes(patterns, records("ttl-remove-record.json").get(0))).isTrue();
    }
}
