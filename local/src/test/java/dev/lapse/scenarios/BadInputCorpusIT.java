package dev.lapse.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.local.LocalFunction;
import dev.lapse.local.LocalRuntime;
import dev.lapse.local.RuntimeOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile input at every ingress: the scheduling function (direct invocation and
 * EventBridge envelope) and the stream handler. Each gets a clear error or a dead-letter entry with
 * its reason; none crashes a handler, blocks a batch, or writes a partial job.
 */
class BadInputCorpusIT extends ScenarioSuite {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withoutTtl().withSchedules(false));
    }

    private LocalRuntimeEnvironment local() {
        return (LocalRuntimeEnvironment) env;
    }

    private int jobCount() {
        return env.dynamo().scan(r -> r.tableName(env.jobsTable()).consistentRead(true)).count();
    }

    private static String request(String detailType, String detail) {
        return "{\"detail-type\": \"" + detailType + "\", \"detail\": " + detail + "}";
    }

    private static String eventBridge(String detailType, String detail) {
        return "{\"version\": \"0\", \"id\": \"e-1\", \"source\": \"com.example.hostile\", \"account\": \"123456789012\","
                + " \"time\": \"" + java.time.Instant.now() + "\", \"region\": \"us-east-1\", \"resources\": [],"
                + " \"detail-type\": \"" + detailType + "\", \"detail\": " + detail + "}";
    }

    static Stream<Arguments> schedulingInputs() {
        String deep = "{\"a\":".repeat(33) + "1" + "}".repeat(33);
        String hostileDeep = "[".repeat(100_000);
        return Stream.of(
                Arguments.of("invalid JSON", "{\"detail-type\": \"Schedule Job\", ", "(request)"),
                Arguments.of("not an object", "\"Schedule Job\"", "(request)"),
                Arguments.of("null", "null", "(request)"),
                Arguments.of("unknown detail-type", request("Run Now", "{}"), "detail-type"),
                Arguments.of("unknown detail-type from EventBridge", eventBridge("Delete Everything", "{}"), "detail-type"),
                Arguments.of("missing fields", request("Schedule Job", "{}"), "detail.jobId"),
                Arguments.of("wrong types", request("Schedule Job", "{\"jobId\": 42, \"jobType\": [\"a\"], \"dueAt\": true}"), "detail.jobId"),
                Arguments.of("control characters in the id", request("Schedule Job",
                        "{\"jobId\": \"job\\u0007\\u001b[31m\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"}"), "detail.jobId"),
                Arguments.of("a very long id", request("Schedule Job",
                        "{\"jobId\": \"" + "j".repeat(100_000) + "\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"}"), "detail.jobId"),
                Arguments.of("a job type that is not a name", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"../../etc/passwd\", \"delay\": \"PT1M\"}"), "detail.jobType"),
                Arguments.of("due at the epoch", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"dueAt\": \"1970-01-01T00:00:00Z\"}"), "detail.dueAt"),
                Arguments.of("due in year 9999", eventBridge("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"dueAt\": \"9999-12-31T23:59:59Z\"}"), "detail.dueAt"),
                Arguments.of("a huge payload", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": {\"x\": \"" + "y".repeat(300_000) + "\"}}"),
                        "detail.payload"),
                Arguments.of("a deeply nested payload", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": " + deep + "}"), "detail.payload"),
                Arguments.of("hostile nesting", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": " + hostileDeep + "}"), "(request)"),
                Arguments.of("a retry field that does not exist", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"retry\": {\"attempts\": 3}}"), "detail.retry.attempts"),
                Arguments.of("maxAttempts out of range", request("Schedule Job",
                        "{\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"retry\": {\"maxAttempts\": 50}}"), "detail.retry.maxAttempts"),
                Arguments.of("a reschedule to nowhere", request("Reschedule Job", "{\"jobId\": \"j\", \"delay\": \"soon\"}"), "detail.delay"),
                Arguments.of("a subscription with a bad date", eventBridge("Subscription Cancelled",
                        "{\"licenceId\": \"L-1\", \"paidUntil\": \"31/12/2026\"}"), "detail.paidUntil"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulingInputs")
    void theSchedulingFunctionRefusesWithTheFieldAndWritesNothing(String name, String input, String field) throws Exception {
        int before = jobCount();
        JsonNode answer = Json.read(local().runtime().function("ScheduleJobFunction").invoke(input));

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(answer.path("error").path("field").asText()).isEqualTo(field);
        assertThat(answer.path("error").path("accepted").asText()).isNotBlank();
        assertThat(answer.toString()).hasSizeLessThan(4000).doesNotContain("\u0007");
        assertThat(jobCount()).as("nothing written").isEqualTo(before);
        assertThat(local().runtime().lapse("ScheduleJobFunction").licences().status("L-1")).as("no licence touched").isEmpty();
    }

    static Stream<Arguments> streamRecords() {
        return Stream.of(
                Arguments.of("old image missing attributes", (Consumer<ObjectNode>) image -> {
                    image.remove("jobType");
                    image.remove("occurrenceId");
                }, "missing"),
                Arguments.of("attempt of the wrong type", (Consumer<ObjectNode>) image -> image.putObject("attempt").put("S", "one"),
                        "attempt"),
                Arguments.of("payload that is not JSON", (Consumer<ObjectNode>) image -> image.putObject("payload").put("S", "{not json"),
                        "payload"),
                Arguments.of("due time unparseable", (Consumer<ObjectNode>) image -> image.putObject("dueAt").put("S", "soon"),
                        "unreadable"),
                Arguments.of("no old image at all", (Consumer<ObjectNode>) image -> image.removeAll(), "old image"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamRecords")
    void theStreamHandlerDeadLettersUnreadableRecordsAndFinishesTheBatch(String name, Consumer<ObjectNode> damage, String reason)
            throws Exception {
        String marker = Scenarios.unique("bad");
        String healthy = Scenarios.unique("healthy");
        ObjectNode event = ScenarioRecords.ttlRemove(healthy, "invoice.remind", Json.object(), Scenarios.unique("occ"));
        ObjectNode bad = ScenarioRecords.ttlRemove(marker, "invoice.remind", Json.object(), Scenarios.unique("occ"));
        ObjectNode badRecord = (ObjectNode) bad.path("Records").get(0);
        ObjectNode image = (ObjectNode) badRecord.path("dynamodb").path("OldImage");
        damage.accept(image);
        ((ObjectNode) badRecord.path("dynamodb")).putObject("Keys").putObject("jobId").put("S", marker);
        ((com.fasterxml.jackson.databind.node.ArrayNode) event.path("Records")).insert(0, badRecord);
        int before = jobCount();

        LocalFunction handler = local().runtime().function("RunExpiredJobsFunction");
        JsonNode answer = Json.read(handler.invoke(Json.write(event)));

        assertThat(answer.path("batchItemFailures")).as("the batch is not blocked").isEmpty();
        Scenarios.await("the healthy record ran", Duration.ofSeconds(5), () -> steps.jobDue(healthy).size() == 1);
        List<String> dead = List.of();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(5);
        while (dead.isEmpty() && java.time.Instant.now().isBefore(deadline)) {
            dead = env.sqs().receiveMessage(r -> r.queueUrl(env.deadLetterQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages().stream().map(m -> m.body()).filter(b -> b.contains(marker)).toList();
        }
        assertThat(dead).as("dead-lettered with its reason").hasSize(1);
        assertThat(Json.read(dead.get(0)).path("reason").asText()).containsIgnoringCase(reason);
        assertThat(jobCount()).as("nothing re-armed or half-written").isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequestsOnTheBus")
    void eventBridgeRequestsAreRejectedWithAJobRejectedEvent(String name, String extraField, JsonNode extraValue, String field) {
        String marker = Scenarios.unique("marker");
        ObjectNode detail = Json.object().put("jobId", marker).put("jobType", "a.b").put("delay", "PT1M");
        detail.set(extraField, extraValue);
        steps.put("Schedule Job", detail);

        Scenarios.await("Job Rejected for " + name, Duration.ofSeconds(5), () -> env.lapseEvents().stream()
                .anyMatch(e -> e.path("detail").path("request").path("detail").path("jobId").asText().equals(marker)));
        JsonNode rejected = env.lapseEvents().stream()
                .filter(e -> e.path("detail").path("request").path("detail").path("jobId").asText().equals(marker)).findFirst().orElseThrow();
        assertThat(rejected.path("detail-type").asText()).isEqualTo("Job Rejected");
        assertThat(rejected.path("detail").path("error").path("field").asText()).isEqualTo(field);
        assertThat(steps.job(marker)).isEmpty();
    }

    static Stream<Arguments> hostileRequestsOnTheBus() {
        return Stream.of(
                Arguments.of("an invalid job type", "jobType", Json.MAPPER.getNodeFactory().textNode("DROP TABLE"), "detail.jobType"),
                Arguments.of("a delay of the wrong type", "delay", Json.MAPPER.createArrayNode().add(1), "detail.delay"),
                Arguments.of("an unknown field", "dueat", Json.MAPPER.getNodeFactory().textNode("2026-12-01T00:00:00Z"), "detail.dueat"),
                Arguments.of("a payload that is a string", "payload", Json.MAPPER.getNodeFactory().textNode("x"), "detail.payload"));
    }
}
