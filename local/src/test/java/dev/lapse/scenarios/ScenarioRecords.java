package dev.lapse.scenarios;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Stream events for the scenarios, built from the samples in events/. */
final class ScenarioRecords {
    private ScenarioRecords() {
    }

    /** A TTL REMOVE event (Lambda shape) of one job whose due time has just passed. */
    static ObjectNode ttlRemove(String jobId, String type, ObjectNode payload, String occurrenceId) {
        ObjectNode event = (ObjectNode) Json.read(Scenarios.sample("ttl-remove-record.json"));
        ObjectNode record = (ObjectNode) event.path("Records").get(1);
        event.putArray("Records").add(record);
        ObjectNode image = (ObjectNode) record.path("dynamodb").path("OldImage");
        Instant due = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        image.putObject("jobId").put("S", jobId);
        image.putObject("jobType").put("S", type);
        image.putObject("payload").put("S", Json.write(payload));
        image.putObject("dueAt").put("S", due.toString());
        image.putObject("dueSpec").put("S", due.toString());
        image.putObject("ttl").put("N", Long.toString(due.getEpochSecond()));
        image.putObject("occurrenceId").put("S", occurrenceId);
        ((ObjectNode) record.path("dynamodb")).putObject("Keys").putObject("jobId").put("S", jobId);
        return event;
    }
}
