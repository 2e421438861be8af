package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Lambda event source batch read with Lapse's Jackson, and the partial-batch answer SQS and stream sources read. */
class BatchEventsTest {
    static List<JsonNode> read(String json) throws IOException {
        return BatchEvents.records(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    static String answer(List<String> failed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchEvents.answer(failed, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRecordsOfAnSqsBatchAreReadInOrderWithEveryField() throws IOException {
        List<JsonNode> records = read("""
                {"Records": [
                  {"messageId": "m-1", "receiptHandle": "r", "body": "{\\"jobId\\":\\"a\\"}", "attributes": {"ApproximateReceiveCount": "2"},
                   "messageAttributes": {}, "md5OfBody": "x", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:1:q", "awsRegion": "us-east-1"},
                  {"messageId": "m-2", "body": "café 😀"}]}
                """);

        assertThat(records).extracting(r -> r.path("messageId").asText()).containsExactly("m-1", "m-2");
        assertThat(records.get(0).path("body").asText()).isEqualTo("{\"jobId\":\"a\"}");
        assertThat(records.get(0).path("attributes").path("ApproximateReceiveCount").asText()).isEqualTo("2");
        assertThat(records.get(1).path("body").asText()).isEqualTo("café 😀");
        assertThat(read("{\"Records\": []}")).isEmpty();
    }

    @Test
    void anEventWithoutARecordsArrayIsRefused() {
        assertThatThrownBy(() -> read("{\"detail-type\": \"Scheduled Event\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Records array");
        assertThatThrownBy(() -> read("{\"Records\": {\"messageId\": \"m\"}}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAnswerNamesEachRecordToDeliverAgainInOrderOrNone() throws IOException {
        assertThat(answer(List.of("m-2", "m-7"))).isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"},{\"itemIdentifier\":\"m-7\"}]}");
        assertThat(answer(List.of())).isEqualTo("{\"batchItemFailures\":[]}");
    }
}
