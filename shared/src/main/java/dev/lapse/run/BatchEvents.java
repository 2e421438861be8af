package dev.lapse.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of a Lambda event source batch, read and answered with Lapse's own Jackson rather than the Lambda runtime's
 * event serializers (which build a second, shaded Jackson with mix-ins for each event type: about 240 ms of a cold
 * start). In: the event's {@code Records} (SQS messages, DynamoDB stream records). Out: the partial-batch response,
 * {@code {"batchItemFailures":[{"itemIdentifier":...}]}}, the shape SQS and stream event sources read with
 * {@code ReportBatchItemFailures}.
 */
public final class BatchEvents {
    private BatchEvents() {
    }

    /** The records of an event; an event without a {@code Records} array is refused (no Lambda event source sends one). */
    public static List<JsonNode> records(InputStream event) throws IOException {
        JsonNode records = Json.MAPPER.readTree(event).path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("the event has no Records array: not an SQS or DynamoDB stream batch");
        }
        List<JsonNode> out = new ArrayList<>();
        records.forEach(out::add);
        return out;
    }

    /** Writes the partial-batch response: the records to deliver again, by id (none: all done). */
    public static void answer(List<String> failedIds, OutputStream out) throws IOException {
        ObjectNode response = Json.object();
        ArrayNode failures = response.putArray("batchItemFailures");
        failedIds.forEach(id -> failures.addObject().put("itemIdentifier", id));
        out.write(Json.write(response).getBytes(StandardCharsets.UTF_8));
    }
}
