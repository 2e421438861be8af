package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.json.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The error vocabulary every request reader shares: paths, kinds, ids, and values shown safely. */
class FieldsTest {

    static JsonNode json(String text) {
        return Json.read(text);
    }

    @Test
    void aValuesKindIsSaidAsAnErrorSaysIt() {
        JsonNode d = json("{\"o\":{},\"a\":[],\"s\":\"x\",\"n\":1.5,\"b\":true,\"z\":null}");
        assertThat(Json.kind(d.get("o"))).isEqualTo("an object");
        assertThat(Json.kind(d.get("a"))).isEqualTo("an array");
        assertThat(Json.kind(d.get("s"))).isEqualTo("a string");
        assertThat(Json.kind(d.get("n"))).isEqualTo("a number");
        assertThat(Json.kind(d.get("b"))).isEqualTo("a boolean");
        assertThat(Json.kind(d.get("z"))).isEqualTo("null");
        assertThat(Json.kind(d.get("nothing"))).isEqualTo("missing");
        assertThat(Json.kind(d.path("nothing"))).isEqualTo("missing");
    }

    @Test
    void anIdIsOneToMaxCharactersOfTheAllowedSet() {
        assertThat(Fields.id(json("{\"jobId\":\"a.b_c:d@e-1\"}"), "jobId", 11)).isEqualTo("a.b_c:d@e-1");
        assertThat(Fields.id(json("{\"jobId\":\"x\"}"), "jobId", 1)).isEqualTo("x");
        assertRefused(() -> Fields.id(json("{\"jobId\":\"abc\"}"), "jobId", 2), "detail.jobId", "has 3 characters", "1 to 2 characters");
        assertRefused(() -> Fields.id(json("{\"jobId\":\"\"}"), "jobId", 2), "detail.jobId", "has 0 characters", "1 to 2 characters");
        assertRefused(() -> Fields.id(json("{\"jobId\":\"a b\"}"), "jobId", 10), "detail.jobId", "outside the allowed set: \"a b\"", "A-Z a-z 0-9");
        assertRefused(() -> Fields.id(json("{\"jobId\":7}"), "jobId", 10), "detail.jobId", "is a number, not a string", "1 to 10");
        assertRefused(() -> Fields.id(json("{}"), "jobId", 10), "detail.jobId", "is missing", "1 to 10");
        assertRefused(() -> Fields.id(json("{\"jobId\":null}"), "jobId", 10), "detail.jobId", "is missing", "1 to 10");
    }

    @Test
    void aValueIsShownWithoutControlCharactersLoneSurrogatesOrMegabytes() {
        assertThat(Fields.printable("plain")).isEqualTo("plain");
        assertThat(Fields.printable("a\nb\u0000")).isEqualTo("a\\u000ab\\u0000");
        assertThat(Fields.printable("lone \ud800 high, lone \udc00 low")).isEqualTo("lone \\ud800 high, lone \\udc00 low");
        assertThat(Fields.printable("pair \ud83d\ude00 kept")).isEqualTo("pair \ud83d\ude00 kept");
        assertThat(Fields.printable("ends high \ud83d")).isEqualTo("ends high \\ud83d");
        String eighty = "x".repeat(80);
        assertThat(Fields.printable(eighty)).as("exactly the limit: shown whole").isEqualTo(eighty);
        assertThat(Fields.printable(eighty + "y")).isEqualTo(eighty + "…(81 chars)");
        assertThat(Fields.printable("z".repeat(1_000_000))).hasSize(80 + "…(1000000 chars)".length());
    }

    @Test
    void aKeyIsAPathSegmentAndAnOddOneIsQuoted() {
        assertThat(Fields.key("retry")).isEqualTo(".retry");
        assertThat(Fields.key("max-attempts_2$")).isEqualTo(".max-attempts_2$");
        assertThat(Fields.key("two words")).isEqualTo("[\"two words\"]");
        assertThat(Fields.key("1st")).isEqualTo("[\"1st\"]");
        assertThat(Fields.key(null)).isEqualTo("[\"null\"]");
    }

    @Test
    void onlyTheAllowedKeysPass() {
        Fields.allowOnly(json("{\"a\":1,\"b\":2}"), "detail.retry", Set.of("a", "b", "c"));
        assertRefused(() -> Fields.allowOnly(json("{\"a\":1,\"jitter\":2}"), "detail.retry", Set.of("b", "a")), "detail.retry.jitter",
                "is not a known field", "only [a, b]");
    }

    static void assertRefused(Runnable read, String field, String problem, String accepted) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.getMessage()).contains(field).contains(problem).contains(accepted);
        });
    }
}
