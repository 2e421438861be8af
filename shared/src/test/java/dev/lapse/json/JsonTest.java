package dev.lapse.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What a client is told of JSON Lapse cannot read, and which bytes are UTF-8. */
class JsonTest {

    private static String problemOf(String text) {
        return Json.problem(catchThrowableOfType(() -> Json.MAPPER.readTree(text), JsonProcessingException.class));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":NaN}         | Non-standard token 'NaN' (not JSON)",
            "{\"a\":+1}          | Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs (not JSON)",
            "{\"a\":1} {}        | Trailing token (of type START_OBJECT) found after value",
            "{/*c*/\"a\":1}      | Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (JSON has no comments)"})
    void aParsersComplaintIsToldWithoutTheJavaTypesAndSettingsItNames(String text, String told) {
        assertThat(problemOf(text)).isEqualTo(told).doesNotContain("`", "Feature", "com.fasterxml");
    }

    @Test
    void aLimitIsToldWithItsValueAndWithoutWhereJacksonKeepsIt() {
        assertThat(problemOf("[".repeat(300))).isEqualTo("Document nesting depth (201) exceeds the maximum allowed (200)");
    }

    @Test
    void onlyWellFormedUtf8IsDecoded() throws Exception {
        assertThat(Json.utf8("{\"s\":\"żółw 😀\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"s\":\"żółw 😀\"}");
        for (byte[] bad : new byte[][] {{(byte) 0xff}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}}) {
            assertThatThrownBy(() -> Json.utf8(bad)).isInstanceOf(CharacterCodingException.class);
        }
    }
}
