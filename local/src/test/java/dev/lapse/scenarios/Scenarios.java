package dev.lapse.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** Steps the scenarios share: sending requests as other services do, and waiting for outcomes. */
final class Scenarios {
    private final LapseEnvironment env;

    Scenarios(LapseEnvironment env) {
        this.env = env;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Instant seconds(long fromNow) {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(fromNow);
    }

    /** Puts a request on the bus with the EventBridge SDK, exactly as another service would. */
    void put(String detailType, ObjectNode detail) {
        var response = env.events().putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source("com.example.tests").detailType(detailType).detail(Json.write(detail)).eventBusName("default").build()));
        assertThat(response.failedEntryCount()).as("PutEvents failed entries").isZero();
    }

    void schedule(String jobId, String type, Instant due, ObjectNode payload) {
        put("Schedule Job", Json.object().put("jobId", jobId).put("jobType", type).put("dueAt", due.toString()).set("payload", payload));
    }

    void schedule(String jobId, String type, Instant due, ObjectNode payload, ObjectNode retry) {
        ObjectNode detail = Json.object().put("jobId", jobId).put("jobType", type).put("dueAt", due.toString());
        detail.set("payload", payload);
        detail.set("retry", retry);
        put("Schedule Job", detail);
    }

    /** Invokes a function synchronously through the Lambda API; returns its JSON answer. */
    JsonNode invoke(String logicalId, String payload) {
        var response = env.lambda().invoke(r -> r.functionName(env.functionName(logicalId)).payload(SdkBytes.fromUtf8String(payload)));
        assertThat(response.functionError()).as("function error of " + logicalId + ": " + response.payload().asUtf8String()).isNull();
        return Json.read(response.payload().asUtf8String());
    }

    Optional<Map<String, AttributeValue>> job(String jobId) {
        var item = env.dynamo().getItem(r -> r.tableName(env.jobsTable()).consistentRead(true)
                .key(Map.of("jobId", AttributeValue.fromS(jobId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    Optional<Map<String, AttributeValue>> licence(String licenceId) {
        var item = env.dynamo().getItem(r -> r.tableName(env.licencesTable()).consistentRead(true)
                .key(Map.of("licenceId", AttributeValue.fromS(licenceId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    String licenceStatus(String licenceId) {
        return licence(licenceId).map(i -> i.get("status").s()).orElse("NONE");
    }

    List<JsonNode> events(String detailType, String jobId) {
        return env.lapseEvents().stream()
                .filter(e -> detailType.equals(e.path("detail-type").asText()))
                .filter(e -> jobId.equals(e.path("detail").path("jobId").asText())
                        || jobId.equals(e.path("detail").path("job").path("jobId").asText()))
                .toList();
    }

    List<JsonNode> jobDue(String jobId) {
        return events("Job Due", jobId);
    }

    static void await(String what, Duration bound, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(bound);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + bound.toSeconds() + " s waiting until " + what);
            }
            sleep(50);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A sample from events/, as text. */
    static String sample(String name) {
        try {
            return Files.readString(LocalRuntimeEnvironment.root().resolve("events").resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path root() {
        return LocalRuntimeEnvironment.root();
    }
}
