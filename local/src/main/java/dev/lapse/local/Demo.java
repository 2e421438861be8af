package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * {@code ./lapse demo}: starts the runtime (fast TTL), sends the samples of events/ through the
 * EventBridge endpoint with due times ~10 s ahead, prints a timeline, and exits 0 only if every
 * expected outcome happened and nothing unexpected did.
 */
final class Demo {
    private static final Duration LEAD = Duration.ofSeconds(10);
    private static final Duration BOUND = Duration.ofSeconds(40);

    private Demo() {
    }

    /** Runs on the given ports, address and parameters; always with fast TTL and without the cron schedules. */
    static int run(RuntimeOptions options) throws IOException {
        Path root = options.root();
        Instant t0 = Instant.now();
        List<String> timeline = new CopyOnWriteArrayList<>();
        List<JsonNode> lapseEvents = new CopyOnWriteArrayList<>();
        try (LocalRuntime runtime = LocalRuntime.start(options.withFastTtl(true).withSchedules(false))) {
            note(timeline, t0, "runtime ready in " + runtime.startup().toMillis() + " ms");
            runtime.bus().observe(e -> {
                if ("lapse".equals(e.path("source").asText())) {
                    lapseEvents.add(e);
                    note(timeline, t0, "event \"" + e.path("detail-type").asText() + "\" " + summary(e.path("detail")));
                }
            });
            EventBridgeClient events = EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.builder().build())
                    .region(Region.US_EAST_1).endpointOverride(runtime.apiEndpoint())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("demo", "demo"))).build();
            String run = Long.toString(t0.toEpochMilli() % 100_000);
            Instant due = Instant.now().plus(LEAD).truncatedTo(ChronoUnit.MILLIS);

            String licence = "LIC-DEMO-" + run;
            String kept = "LIC-KEPT-" + run;
            String generic = "invoice-reminder-" + run;
            String cancelled = "cancelled-" + run;

            put(events, root, "subscription-cancelled.json", d -> d.put("licenceId", licence).put("paidUntil", due.toString()));
            note(timeline, t0, "sent Subscription Cancelled for " + licence + " (paid until " + due + ")");
            put(events, root, "schedule-job.json", d -> d.put("jobId", generic).put("dueAt", due.toString()));
            note(timeline, t0, "sent Schedule Job " + generic + " due " + due);
            put(events, root, "schedule-job.json", d -> d.put("jobId", cancelled).put("dueAt", due.toString()));
            note(timeline, t0, "sent Schedule Job " + cancelled + " due " + due);
            put(events, root, "subscription-cancelled.json", d -> d.put("licenceId", kept).put("paidUntil", due.toString()));
            note(timeline, t0, "sent Subscription Cancelled for " + kept);
            waitFor(() -> runtime.lapse("ScheduleJobFunction").store().get(cancelled).isPresent()
                    && runtime.lapse("ScheduleJobFunction").licences().status(kept).isPresent(), Duration.ofSeconds(5));
            put(events, root, "cancel-job.json", d -> d.put("jobId", cancelled));
            note(timeline, t0, "sent Cancel Job " + cancelled);
            put(events, root, "subscription-reactivated.json", d -> d.put("licenceId", kept));
            note(timeline, t0, "sent Subscription Reactivated for " + kept);

            var licences = runtime.lapse("ScheduleJobFunction").licences();
            boolean done = waitFor(() -> licences.status(licence).map(s -> s.name().equals("DEACTIVATED")).orElse(false)
                    && jobDue(lapseEvents, generic).size() == 1, LEAD.plus(BOUND));
            note(timeline, t0, done ? "expected outcomes reached; watching 3 s more for anything unexpected" : "timed out waiting");
            sleep(3000);

            List<String> failures = new ArrayList<>();
            var item = runtime.dynamo().getItem(r -> r.tableName(runtime.tableName("PaidLicensesTable")).consistentRead(true)
                    .key(Map.of("licenceId", AttributeValue.fromS(licence)))).item();
            check(failures, "DEACTIVATED".equals(item.get("status").s()), licence + " is deactivated");
            check(failures, item.containsKey("deactivatedAt") && !Instant.parse(item.get("deactivatedAt").s()).isBefore(due),
                    licence + " was deactivated at or after the end of its paid period");
            check(failures, licences.status(kept).map(s -> s.name().equals("ACTIVE")).orElse(false), kept + " (reactivated) is still active");
            List<JsonNode> genericDue = jobDue(lapseEvents, generic);
            check(failures, genericDue.size() == 1, generic + " emitted exactly one Job Due (saw " + genericDue.size() + ")");
            check(failures, genericDue.size() == 1 && !Instant.parse(genericDue.get(0).path("detail").path("firedAt").asText()).isBefore(due),
                    generic + " fired at or after its due time");
            check(failures, jobDue(lapseEvents, cancelled).isEmpty(), cancelled + " (cancelled) never ran");
            long unexpected = lapseEvents.stream().filter(e -> !e.path("detail-type").asText().equals("Job Due")).count();
            check(failures, unexpected == 0, "no Job Failed or Job Rejected events (saw " + unexpected + ")");
            long strays = lapseEvents.stream().filter(e -> e.path("detail-type").asText().equals("Job Due"))
                    .filter(e -> !e.path("detail").path("jobId").asText().equals(generic)).count();
            check(failures, strays == 0, "no other job ran (saw " + strays + ")");

            System.out.println();
            System.out.println("Timeline (seconds since start):");
            timeline.forEach(line -> System.out.println("  " + line));
            System.out.println();
            System.out.println(failures.isEmpty() ? "DEMO PASSED: every expected outcome happened, nothing unexpected did."
                    : "DEMO FAILED:\n  " + String.join("\n  ", failures));
            return failures.isEmpty() ? 0 : 1;
        }
    }

    private static List<JsonNode> jobDue(List<JsonNode> events, String jobId) {
        return events.stream().filter(e -> e.path("detail-type").asText().equals("Job Due"))
                .filter(e -> e.path("detail").path("jobId").asText().equals(jobId)).toList();
    }

    private static void check(List<String> failures, boolean ok, String what) {
        System.out.println((ok ? "  ok    " : "  FAIL  ") + what);
        if (!ok) {
            failures.add(what);
        }
    }

    /** Sends a sample event of events/ with its detail adjusted, through the EventBridge PutEvents API. */
    private static void put(EventBridgeClient events, Path root, String sample, java.util.function.Consumer<ObjectNode> adjust) throws IOException {
        JsonNode event = Json.MAPPER.readTree(Files.readString(root.resolve("events").resolve(sample)));
        ObjectNode detail = (ObjectNode) event.path("detail").deepCopy();
        detail.remove("retry");
        adjust.accept(detail);
        var response = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source(event.path("source").asText()).detailType(event.path("detail-type").asText())
                .detail(Json.write(detail)).eventBusName("default").build()));
        if (response.failedEntryCount() > 0) {
            throw new IllegalStateException("PutEvents refused " + sample + ": " + response.entries());
        }
    }

    private static String summary(JsonNode detail) {
        StringBuilder out = new StringBuilder();
        for (String field : List.of("jobId", "jobType", "dueAt", "firedAt", "latenessMs", "trigger", "attempt")) {
            if (detail.has(field)) {
                out.append(field).append('=').append(detail.get(field).asText()).append(' ');
            }
        }
        return out.toString().trim();
    }

    private static void note(List<String> timeline, Instant t0, String what) {
        timeline.add(String.format("%6.2f  %s", Duration.between(t0, Instant.now()).toMillis() / 1000.0, what));
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration bound) {
        Instant deadline = Instant.now().plus(bound);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(100);
        }
        return condition.getAsBoolean();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
