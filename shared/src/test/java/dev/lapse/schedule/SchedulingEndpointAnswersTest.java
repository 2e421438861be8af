package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.inspect.InMemoryHistory;
import dev.lapse.inspect.JobQueries;
import dev.lapse.inspect.Listing;
import dev.lapse.json.Json;
import dev.lapse.observe.EmfMetrics;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * The scheduling endpoint's answers beside the scheduler's: a refusal from EventBridge is also published as "Job
 * Rejected" (its sender cannot read the answer), a direct one is not; what is counted; "Get Job" without a history table.
 */
class SchedulingEndpointAnswersTest {
    static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

    final SettableClock clock = new SettableClock(NOW);
    final InMemoryStores stores = new InMemoryStores();
    final List<PutEventsRequestEntry> published = Collections.synchronizedList(new ArrayList<>());
    final EventBridgeClient bus = new EventBridgeClient() {
        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            published.addAll(request.entries());
            return PutEventsResponse.builder().failedEntryCount(0)
                    .entries(request.entries().stream().map(e -> PutEventsResultEntry.builder().eventId("ev").build()).toList()).build();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {
        }
    };
    final List<String> metricLines = new ArrayList<>();
    final SchedulingEndpoint endpoint = new SchedulingEndpoint(new RequestParser(clock),
            new JobScheduler(stores, stores, stores::ranForGood, job -> { }, clock), new EventPublisher(bus, "lapse-bus"),
            Optional.empty(), Optional.empty(), new EmfMetrics(clock, metricLines::add), Duration.ofSeconds(2));

    static String event(String detailType, String detail) {
        return "{\"version\":\"0\",\"id\":\"e-1\",\"detail-type\":\"" + detailType + "\",\"source\":\"shop\",\"account\":\"1\","
                + "\"time\":\"2026-12-01T08:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + detail + "}";
    }

    static final String GOOD = "{\"jobId\":\"j1\",\"jobType\":\"invoice.remind\",\"payload\":{},\"dueAt\":\"2026-12-01T09:00:00Z\"}";

    @Test
    void aRequestRefusedFromEventBridgeIsAlsoPublishedAsJobRejectedWithTheRequest() {
        JsonNode answer = endpoint.handle(event("Schedule Job", "{\"jobId\":\"j1\",\"jobType\":\"invoice.remind\",\"dueAt\":\"soon\"}"));

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).detailType()).isEqualTo(EventPublisher.JOB_REJECTED);
        JsonNode rejection = Json.read(published.get(0).detail());
        assertThat(rejection.path("error").path("field").asText()).isEqualTo(answer.path("error").path("field").asText()).isEqualTo("detail.dueAt");
        assertThat(rejection.path("request").path("detail").path("dueAt").asText()).isEqualTo("soon");
        assertThat(stores.jobs).isEmpty();
    }

    @Test
    void aRequestNestedDeeperThanLapseReadsButAsDeepAsAnEventGoesIsStillAnsweredWithJobRejected() {
        String deep = "{\"jobId\":\"j1\",\"jobType\":\"a.b\",\"delay\":\"PT1M\",\"payload\":{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}}";

        JsonNode answer = endpoint.handle(event("Schedule Job", deep));

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").path("problem").asText()).contains("nested deeper than 200 levels");
        assertThat(published).as("EventBridge sent it: the sender is told").hasSize(1);
        assertThat(Json.MAPPER.getFactory().streamReadConstraints().getMaxNestingDepth()).isEqualTo(200);
        assertThat(stores.jobs).isEmpty();
    }

    @Test
    void lapsesOwnEventSentBackByARuleIsRefusedWithoutAnotherJobRejectedSoItCannotLoop() {
        String rejected = event("Job Rejected", "{\"error\":{\"code\":\"INVALID_REQUEST\"},\"request\":{}}")
                .replace("\"source\":\"shop\"", "\"source\":\"" + EventPublisher.SOURCE + "\"");

        JsonNode answer = endpoint.handle(rejected);

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(published).as("no Job Rejected for a Job Rejected").isEmpty();
        assertThat(endpoint.handle(event("Job Rejected", "{}")).path("ok").asBoolean()).isFalse();
        assertThat(published).as("another source's refused request is still told").hasSize(1);
    }

    @Test
    void aRequestRefusedOnADirectInvokeIsOnlyAnswered() {
        assertThat(endpoint.handle("{\"detail-type\":\"Schedule Job\",\"detail\":{\"jobId\":\"j1\"}}").path("ok").asBoolean()).isFalse();
        assertThat(endpoint.handle("not json").path("ok").asBoolean()).isFalse();
        assertThat(endpoint.handle("{\"source\":\"shop\",\"detail-type\":\"Schedule Job\",\"detail\":{}}").path("ok").asBoolean())
                .as("no event id: not from EventBridge").isFalse();
        assertThat(published).isEmpty();
    }

    @Test
    void aConflictFromEventBridgeIsRejectedAndADuplicateKeyIsStillQuoted() {
        endpoint.handle(event("Schedule Job", GOOD));
        JsonNode conflict = endpoint.handle(event("Schedule Job", GOOD.replace("09:00:00Z", "10:00:00Z")));
        JsonNode duplicate = endpoint.handle(event("Schedule Job", "{\"jobId\":\"j2\",\"jobId\":\"j3\"}"));

        assertThat(conflict.path("error").path("code").asText()).as(conflict.toString()).isEqualTo("JOB_CONFLICT");
        assertThat(duplicate.path("ok").asBoolean()).as(duplicate.toString()).isFalse();
        assertThat(published).as(published.toString()).hasSize(2);
        assertThat(duplicate.path("ok").asBoolean()).isFalse();
        assertThat(published).extracting(PutEventsRequestEntry::detailType).containsExactly(EventPublisher.JOB_REJECTED, EventPublisher.JOB_REJECTED);
        assertThat(Json.read(published.get(1).detail()).path("request").path("detail").path("jobId").asText()).as("read leniently").isNotEmpty();
    }

    @Test
    void scheduledAndRefusedRequestsAreCountedAndAnUnchangedOneIsNot() {
        endpoint.handle(event("Schedule Job", GOOD));
        endpoint.handle(event("Schedule Job", GOOD));
        endpoint.handle("{\"detail-type\":\"Schedule Job\",\"detail\":{}}");

        assertThat(metricLines).hasSize(2);
        assertThat(Json.read(metricLines.get(0)).has("JobsScheduled")).isTrue();
        assertThat(Json.read(metricLines.get(1)).has("JobsRejected")).isTrue();
    }

    @Test
    void theAnswerShowsTheTtlTheItemIsWrittenWithTheDueTimeRoundedUpPlusTheStoresGrace() {
        JsonNode atTheSecond = endpoint.handle(event("Schedule Job", GOOD));
        JsonNode withinASecond = endpoint.handle(event("Schedule Job", GOOD.replace("j1", "j2").replace("09:00:00Z", "09:00:00.001Z")));
        JsonNode noGrace = new SchedulingEndpoint(new RequestParser(clock), new JobScheduler(stores, stores, stores::ranForGood, job -> { }, clock),
                new EventPublisher(bus, "lapse-bus")).handle(event("Schedule Job", GOOD.replace("j1", "j3")));

        long nine = Instant.parse("2026-12-01T09:00:00Z").getEpochSecond();
        assertThat(atTheSecond.path("job").path("ttl").asLong()).isEqualTo(nine + 2);
        assertThat(withinASecond.path("job").path("ttl").asLong()).isEqualTo(nine + 3);
        assertThat(noGrace.path("job").path("ttl").asLong()).isEqualTo(nine);
    }

    @Test
    void aCancelledJobIsToldByItsStoryAndAJobThatWasNeverThereLeavesNone() {
        InMemoryHistory history = new InMemoryHistory(clock);
        JobScheduler scheduler = new JobScheduler(stores, stores, stores::ranForGood, job -> { }, clock);
        SchedulingEndpoint withHistory = new SchedulingEndpoint(new RequestParser(clock), scheduler, new EventPublisher(bus, "lapse-bus"),
                Optional.of(new JobQueries(id -> Optional.ofNullable(stores.jobs.get(id)), (from, to, type, limit, after)
                        -> new Listing.Page(List.of(), Optional.empty()), history, clock)), Optional.of(history), null, Duration.ZERO);
        withHistory.handle(event("Schedule Job", GOOD));

        assertThat(withHistory.handle(event("Cancel Job", "{\"jobId\":\"j1\"}")).path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(withHistory.handle(event("Cancel Job", "{\"jobId\":\"j1\"}")).path("outcome").asText()).isEqualTo("NOT_FOUND");
        withHistory.handle(event("Cancel Job", "{\"jobId\":\"never\"}"));

        assertThat(history.of("j1", 10)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("CANCELLED");
            assertThat(e.detail()).isEqualTo("cancelled by shop");
            assertThat(e.dueAt()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        });
        assertThat(history.of("never", 10)).isEmpty();
        JsonNode told = withHistory.handle("{\"detail-type\":\"Get Job\",\"detail\":{\"jobId\":\"j1\"}}");
        assertThat(told.path("job").path("state").asText()).isEqualTo("cancelled");
    }

    @Test
    void getJobWithoutAHistoryTableIsRefusedNamingWhy() {
        JsonNode answer = endpoint.handle("{\"detail-type\":\"Get Job\",\"detail\":{\"jobId\":\"j1\"}}");

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").path("field").asText()).isEqualTo("detail-type");
        assertThat(answer.path("error").path("problem").asText()).contains("JOB_HISTORY_TABLE");
    }
}
