package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SchedulingEndpointTest {
    /** Refused before any scheduling or publishing: neither is needed, and neither may be reached. */
    private final SchedulingEndpoint endpoint = new SchedulingEndpoint(
            new RequestParser(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC)), null, null);

    @Test
    void bytesThatAreNotUtf8AreRefusedNotReplaced() {
        byte[] cesuSurrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        String head = "{\"detail-type\": \"Schedule Job\", \"detail\": {\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\","
                + " \"payload\": {\"s\": \"";
        byte[] request = concat(head.getBytes(java.nio.charset.StandardCharsets.UTF_8), cesuSurrogate, "\"}}}".getBytes());

        var answer = endpoint.handle(request);

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").path("field").asText()).isEqualTo("(request)");
        assertThat(answer.path("error").path("problem").asText()).contains("UTF-8");
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
