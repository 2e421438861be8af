package dev.lapse.local;

import static dev.lapse.local.DeployedTemplateTest.failureQueues;
import static dev.lapse.local.DeployedTemplateTest.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.observe.EmfMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alarms and the dashboard {@code sam deploy} creates from template.yaml (its SAM transform, {@link SamTransform}):
 * each watches the resource it names, notifies AlarmTopicArn only when one is given, and the dashboard graphs the
 * metrics Lapse emits ({@link EmfMetrics}) and those of the template's own queues and functions.
 */
class AlarmsTemplateTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:lapse-ops";
    private static final String ALARM = "AWS::CloudWatch::Alarm";

    private static JsonNode defaults;
    private static JsonNode withTopic;

    @BeforeAll
    static void transform() {
        List<JsonNode> results = SamTransform.of(ROOT.resolve("template.yaml"),
                List.of(Map.of(), Map.of("AlarmTopicArn", TOPIC, "LatenessAlarmMs", "2500")));
        defaults = results.get(0);
        withTopic = results.get(1);
    }

    /** The alarms of {@code template} on {@code metric} (namespace/name), by logical id. */
    private static Map<String, JsonNode> alarmsOn(JsonNode template, String namespace, String metric) {
        Map<String, JsonNode> alarms = ofType(template, ALARM);
        alarms.values().removeIf(a -> !a.at("/Properties/Namespace").asText().equals(namespace)
                || !a.at("/Properties/MetricName").asText().equals(metric));
        return alarms;
    }

    private static JsonNode dimension(JsonNode alarm, String name) {
        for (JsonNode d : alarm.at("/Properties/Dimensions")) {
            if (d.path("Name").asText().equals(name)) {
                return d.path("Value");
            }
        }
        throw new AssertionError("no dimension " + name + " in " + alarm);
    }

    @Test
    void everyFailureQueueHasAnAlarmOnItsOwnDepthAboveZero() {
        Map<String, JsonNode> queueAlarms = alarmsOn(defaults, "AWS/SQS", "ApproximateNumberOfMessagesVisible");
        Set<String> watched = new TreeSet<>();
        queueAlarms.forEach((id, alarm) -> {
            JsonNode queue = dimension(alarm, "QueueName");
            assertThat(queue.path("Fn::GetAtt").path(1).asText()).as(id + " QueueName").isEqualTo("QueueName");
            String queueId = queue.path("Fn::GetAtt").path(0).asText();
            assertThat(defaults.at("/Resources/" + queueId + "/Type").asText()).as(id + " watches a queue of the stack").isEqualTo("AWS::SQS::Queue");
            assertThat(id).as("the alarm is named after the queue it watches").isEqualTo(queueId + "Alarm");
            assertThat(alarm.at("/Properties/Threshold").asDouble()).isZero();
            assertThat(alarm.at("/Properties/ComparisonOperator").asText()).isEqualTo("GreaterThanThreshold");
            assertThat(alarm.at("/Properties/Statistic").asText()).isEqualTo("Maximum");
            watched.add(queueId);
        });
        assertThat(watched).as("queues watched, one alarm each").hasSameSizeAs(queueAlarms.keySet())
                .containsExactlyInAnyOrderElementsOf(failureQueues(defaults).keySet());
    }

    @Test
    void theStreamsIteratorAgeIsWatchedOnTheFunctionThatReadsTheStream() {
        List<String> streamReaders = new ArrayList<>();
        ofType(defaults, "AWS::Lambda::EventSourceMapping").forEach((id, mapping) -> {
            if (mapping.at("/Properties/EventSourceArn/Fn::GetAtt/1").asText().equals("StreamArn")) {
                String alias = mapping.at("/Properties/FunctionName/Ref").asText();
                streamReaders.add(defaults.at("/Resources/" + alias + "/Properties/FunctionName/Ref").asText());
            }
        });
        assertThat(streamReaders).containsExactly("RunExpiredJobsFunction");
        assertThat(alarmsOn(defaults, "AWS/Lambda", "IteratorAge").values()).singleElement().satisfies(alarm -> {
            assertThat(dimension(alarm, "FunctionName").path("Ref").asText()).isEqualTo("RunExpiredJobsFunction");
            assertThat(alarm.at("/Properties/Statistic").asText()).isEqualTo("Maximum");
            assertThat(alarm.at("/Properties/Threshold").asDouble()).isPositive();
        });
    }

    @Test
    void everyFunctionHasAnErrorsAlarmAndAThrottlesAlarmOfItsOwn() {
        Set<String> functions = ofType(defaults, "AWS::Lambda::Function").keySet();
        assertThat(functions).hasSize(6);
        for (String metric : List.of("Errors", "Throttles")) {
            List<String> watched = new ArrayList<>();
            alarmsOn(defaults, "AWS/Lambda", metric).forEach((id, alarm) -> {
                watched.add(dimension(alarm, "FunctionName").path("Ref").asText());
                assertThat(alarm.at("/Properties/Statistic").asText()).isEqualTo("Sum");
                assertThat(alarm.at("/Properties/Threshold").asDouble()).as(id).isZero();
            });
            assertThat(watched).as(metric + " alarms, one per function").containsExactlyInAnyOrderElementsOf(functions);
        }
    }

    @Test
    void latenessP99IsWatchedAgainstTheParameter() {
        for (var run : List.of(Map.entry(defaults, 1000.0), Map.entry(withTopic, 2500.0))) {
            assertThat(alarmsOn(run.getKey(), EmfMetrics.NAMESPACE, EmfMetrics.LATENESS).values()).singleElement().satisfies(alarm -> {
                assertThat(alarm.at("/Properties/ExtendedStatistic").asText()).isEqualTo("p99");
                assertThat(dimension(alarm, "Service").asText()).isEqualTo(EmfMetrics.SERVICE);
                assertThat(alarm.at("/Properties/Threshold").asDouble()).as("LatenessAlarmMs").isEqualTo(run.getValue());
            });
        }
    }

    @Test
    void alarmsNotifyTheTopicOnlyWhenOneIsGiven() {
        Map<String, JsonNode> silent = ofType(defaults, ALARM);
        Map<String, JsonNode> notifying = ofType(withTopic, ALARM);
        assertThat(silent).hasSizeGreaterThanOrEqualTo(5 + 1 + 1 + 12);
        assertThat(notifying.keySet()).isEqualTo(silent.keySet());
        silent.forEach((id, alarm) -> {
            for (String actions : List.of("AlarmActions", "OKActions")) {
                assertThat(Conditions.resolve(defaults, alarm.at("/Properties/" + actions))).as(id + " " + actions + " without a topic").isNull();
                JsonNode given = Conditions.resolve(withTopic, notifying.get(id).at("/Properties/" + actions));
                assertThat(given).as(id + " " + actions + " with AlarmTopicArn set").isNotNull();
                assertThat(given.isArray() && given.size() == 1 && given.get(0).asText().equals(TOPIC)).as(id + " " + actions + ": " + given).isTrue();
            }
        });
    }

    @Test
    void theDashboardGraphsLatenessThroughputFailuresAndQueueDepthsOfThisStack() throws Exception {
        JsonNode dashboard = ofType(defaults, "AWS::CloudWatch::Dashboard").values().stream().findFirst().orElseThrow();
        String body = dashboard.at("/Properties/DashboardBody/Fn::Sub").asText();
        // every ${...} names a resource (or its attribute), a parameter or a pseudo parameter of the stack
        Matcher refs = Pattern.compile("\\$\\{([A-Za-z0-9:]+)(\\.[A-Za-z]+)?}").matcher(body);
        Set<String> named = new TreeSet<>();
        while (refs.find()) {
            String ref = refs.group(1);
            named.add(ref + (refs.group(2) == null ? "" : refs.group(2)));
            boolean known = ref.startsWith("AWS::") || defaults.at("/Resources/" + ref).isObject()
                    || Template.load(ROOT.resolve("template.yaml"), Map.of()).parameters().containsKey(ref);
            assertThat(known).as("${" + ref + "} in the dashboard").isTrue();
        }
        JsonNode widgets = Json.MAPPER.readTree(body.replaceAll("\\$\\{[^}]+}", "1")).path("widgets");
        List<String> metrics = new ArrayList<>();
        widgets.forEach(w -> w.at("/properties/metrics").forEach(m -> metrics.add(m.toString())));
        String all = String.join("\n", metrics);

        assertThat(all).contains("[\"Lapse\",\"LatenessMs\",\"Service\",\"lapse\",{\"stat\":\"p50\"")
                .contains("[\"Lapse\",\"LatenessMs\",\"Service\",\"lapse\",{\"stat\":\"p99\"");
        for (String trigger : List.of("ttl", "due-jobs-queue", "schedule")) {
            assertThat(all).as("throughput via " + trigger).contains("[\"Lapse\",\"" + EmfMetrics.JOBS_RUN + "\",\"Service\",\"lapse\",\"Trigger\",\"" + trigger + "\"");
        }
        for (String metric : List.of(EmfMetrics.RETRIES, EmfMetrics.DEAD_LETTERED, EmfMetrics.DUPLICATES, EmfMetrics.SCHEDULED, EmfMetrics.REJECTED)) {
            assertThat(all).as(metric).contains("[\"Lapse\",\"" + metric + "\",\"Service\",\"lapse\"");
        }
        for (String queue : ofType(defaults, "AWS::SQS::Queue").keySet()) {
            assertThat(named).as("depth of " + queue).contains(queue + ".QueueName");
        }
        for (String function : ofType(defaults, "AWS::Lambda::Function").keySet()) {
            assertThat(named).as("errors of " + function).contains(function);
        }
    }

    /** CloudWatch's reading of the transformed template's conditions: Fn::If by its condition, AWS::NoValue as nothing. */
    static final class Conditions {
        static JsonNode resolve(JsonNode template, JsonNode value) {
            if (value.isMissingNode() || value.isNull()) {
                return null;
            }
            if (value.isObject() && value.has("Fn::If")) {
                JsonNode f = value.get("Fn::If");
                return resolve(template, holds(template, template.at("/Conditions/" + f.get(0).asText())) ? f.get(1) : f.get(2));
            }
            if (value.isObject() && "AWS::NoValue".equals(value.path("Ref").asText())) {
                return null;
            }
            return value;
        }

        static boolean holds(JsonNode template, JsonNode condition) {
            if (condition.has("Fn::Not")) {
                return !holds(template, condition.get("Fn::Not").get(0));
            }
            if (condition.has("Fn::Equals")) {
                return condition.get("Fn::Equals").get(0).asText().equals(condition.get("Fn::Equals").get(1).asText());
            }
            if (condition.has("Condition")) {
                return holds(template, template.at("/Conditions/" + condition.get("Condition").asText()));
            }
            throw new AssertionError("condition not modelled here: " + condition);
        }
    }
}
