package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.inspect.JobHistory;
import dev.lapse.inspect.JobQueries;
import dev.lapse.inspect.PendingListing;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Get Job and List Jobs ({@link JobQueries}) on the template's tables in DynamoDB Local, in-process: a job's state and
 * story, pages of pending jobs in due order by window and type with tokens bound to their query, and bad input refused
 * naming the field. (ListJobsIT pages 1,000 jobs through the deployed function.)
 */
class JobQueriesTest {
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private final TemplateTables tables = TemplateTables.shared();
    private final DynamoDbClient dynamo = tables.dynamo();
    private JobStore store;
    private JobHistory history;
    private JobQueries queries;

    @BeforeEach
    void freshTables() {
        Map<String, String> names = tables.fresh();
        String jobs = names.get("JobsTable");
        store = new JobStore(dynamo, jobs, job -> false, Duration.ZERO);
        history = new JobHistory(dynamo, names.get("JobHistoryTable"), Duration.ofDays(7), clock);
        queries = new JobQueries(store, new PendingListing(dynamo, jobs), history, clock);
    }

    private Job job(String jobId, String type, Instant due, int attempt) {
        return new Job(jobId, type, "{\"money\":12345678901234567.89}", due, due.toString(), "occ-" + jobId, attempt, Optional.empty(),
                List.of(), now, "test");
    }

    private static ObjectNode request(String type, ObjectNode detail) {
        ObjectNode request = Json.object().put("detail-type", type);
        request.set("detail", detail);
        return request;
    }

    private JsonNode get(String jobId) {
        return queries.answer(request(JobQueries.GET, Json.object().put("jobId", jobId)));
    }

    private JsonNode list(ObjectNode detail) {
        return queries.answer(request(JobQueries.LIST, detail));
    }

    private static InvalidRequestException refusal(Runnable call) {
        try {
            call.run();
        } catch (InvalidRequestException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aPendingJobIsShownWithItsPayloadAsSentAndAnEmptyStory() {
        store.create(job("j1", "invoice.remind", now.plusSeconds(60), 1));
        store.create(job("j2", "invoice.remind", now.plusSeconds(60), 2));

        JsonNode answer = get("j1");

        assertThat(answer.path("ok").asBoolean()).isTrue();
        JsonNode shown = answer.path("job");
        assertThat(shown.path("jobId").asText()).isEqualTo("j1");
        assertThat(shown.path("jobType").asText()).isEqualTo("invoice.remind");
        assertThat(shown.path("state").asText()).isEqualTo("pending");
        assertThat(shown.path("dueAt").asText()).isEqualTo(now.plusSeconds(60).toString());
        assertThat(shown.path("occurrenceId").asText()).isEqualTo("occ-j1");
        assertThat(shown.path("attempt").asInt()).isEqualTo(1);
        assertThat(Json.write(shown.path("payload"))).isEqualTo("{\"money\":12345678901234567.89}");
        assertThat(shown.has("nextRuns")).as("a one-off job has no next runs").isFalse();
        assertThat(answer.path("history").isArray()).isTrue();
        assertThat(answer.path("history")).isEmpty();
        assertThat(get("j2").path("job").path("state").asText()).as("a later attempt").isEqualTo("retrying");
    }

    @Test
    void aCancelledJobIsToldFromItsHistoryAndAnUnknownOneIsRefused() {
        history.cancelled("gone", "invoice.remind", "occ-gone", now.minusSeconds(5), "test");

        JsonNode answer = get("gone");

        assertThat(answer.path("job").path("state").asText()).isEqualTo("cancelled");
        assertThat(answer.path("job").path("jobType").asText()).isEqualTo("invoice.remind");
        assertThat(answer.path("history")).hasSize(1);
        JsonNode line = answer.path("history").get(0);
        assertThat(line.path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(line.path("occurrenceId").asText()).isEqualTo("occ-gone");
        assertThat(line.path("trigger").asText()).isEqualTo("cancel");
        assertThat(line.path("error").isNull()).as("a cancellation is no error").isTrue();

        InvalidRequestException unknown = refusal(() -> get("never"));
        assertThat(unknown.field()).isEqualTo("detail.jobId");
        assertThat(unknown.problem()).contains("never");
    }

    @Test
    void getJobRefusesWhatItDoesNotTake() {
        assertThat(refusal(() -> queries.answer(request(JobQueries.GET, Json.object().put("jobId", "j").put("extra", 1)))).field())
                .isEqualTo("detail.extra");
        assertThat(refusal(() -> queries.answer(Json.object().put("detail-type", JobQueries.GET))).field()).isEqualTo("detail");
        assertThat(refusal(() -> queries.answer(request(JobQueries.GET, Json.object()))).field()).isEqualTo("detail.jobId");
    }

    @Test
    void pendingJobsArePagedInDueOrderByWindowAndTypeEachOnce() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            store.create(job("r" + i, "report.daily", now.plusSeconds(3600L * (7 - i)), 1)); // written latest first
            expected.add(0, "r" + i);
        }
        store.create(job("other", "invoice.remind", now.plusSeconds(1800), 1));
        store.create(job("outside", "report.daily", now.plus(Duration.ofDays(40)), 1));

        List<String> seen = new ArrayList<>();
        ObjectNode query = Json.object().put("state", "pending").put("jobType", "report.daily").put("limit", 3);
        JsonNode page = list(query);
        int pages = 1;
        page.path("jobs").forEach(j -> seen.add(j.path("jobId").asText()));
        while (!page.path("nextToken").isNull()) {
            page = list(query.deepCopy().put("nextToken", page.path("nextToken").asText()));
            page.path("jobs").forEach(j -> seen.add(j.path("jobId").asText()));
            pages++;
        }

        assertThat(seen).as("due order, each once, only the type asked, only within the default window").isEqualTo(expected);
        assertThat(pages).isEqualTo(3);
        JsonNode all = list(Json.object().put("state", "pending"));
        assertThat(all.path("jobs")).hasSize(8);
        assertThat(all.path("jobs").get(0).path("jobId").asText()).isEqualTo("other");
        assertThat(all.path("nextToken").isNull()).isTrue();
        JsonNode window = list(Json.object().put("state", "pending").put("dueFrom", now.plusSeconds(3600 * 3).toString())
                .put("dueTo", now.plusSeconds(3600 * 5).toString()));
        assertThat(window.path("jobs")).extracting(j -> j.path("jobId").asText()).containsExactly("r4", "r3", "r2");
    }

    @Test
    void aTokenWorksOnlyForTheQueryThatGaveIt() {
        for (int i = 0; i < 3; i++) {
            store.create(job("r" + i, "report.daily", now.plusSeconds(60L + i), 1));
        }
        String token = list(Json.object().put("state", "pending").put("limit", 1)).path("nextToken").asText();

        InvalidRequestException otherType = refusal(() -> list(Json.object().put("state", "pending").put("limit", 1)
                .put("jobType", "report.daily").put("nextToken", token)));
        InvalidRequestException notOurs = refusal(() -> list(Json.object().put("state", "pending").put("nextToken", "bm90LWEtdG9rZW4")));

        assertThat(otherType.field()).isEqualTo("detail.nextToken");
        assertThat(otherType.problem()).contains("another query").contains("jobType");
        assertThat(notOurs.field()).isEqualTo("detail.nextToken");
        assertThat(notOurs.problem()).contains("not a token Lapse gave");
        assertThat(list(Json.object().put("state", "pending").put("limit", 1).put("nextToken", token)).path("jobs").get(0)
                .path("jobId").asText()).isEqualTo("r1");
    }

    @Test
    void badListRequestsAreRefusedNamingTheFieldAndTheAcceptedValues() {
        String from = now.toString();
        assertThat(refusal(() -> list(Json.object().put("state", "pending").put("dueFrom", from)
                .put("dueTo", now.minusSeconds(1).toString()))).field()).isEqualTo("detail.dueTo");
        InvalidRequestException wide = refusal(() -> list(Json.object().put("state", "pending").put("dueFrom", from)
                .put("dueTo", now.plus(Duration.ofDays(32)).toString())));
        assertThat(wide.field()).isEqualTo("detail.dueTo");
        assertThat(wide.accepted()).contains("31 days");
        for (ObjectNode limit : List.of(Json.object().put("limit", 0), Json.object().put("limit", 101), Json.object().put("limit", "5"))) {
            InvalidRequestException e = refusal(() -> list(limit.put("state", "pending")));
            assertThat(e.field()).isEqualTo("detail.limit");
            assertThat(e.accepted()).contains("1 to 100");
        }
        assertThat(list(Json.object().put("state", "pending").put("limit", 100)).path("ok").asBoolean()).as("the largest limit").isTrue();
        InvalidRequestException state = refusal(() -> list(Json.object().put("state", "running")));
        assertThat(state.field()).isEqualTo("detail.state");
        assertThat(state.accepted()).contains("pending").contains("dead-lettered");
        assertThat(refusal(() -> list(Json.object().put("state", "dead-lettered").put("dueFrom", from))).field()).isEqualTo("detail.dueFrom");
        assertThat(refusal(() -> list(Json.object().put("state", "pending").put("dueFrom", "tomorrow"))).field()).isEqualTo("detail.dueFrom");
        assertThat(refusal(() -> list(Json.object().put("state", "pending").put("colour", "red"))).field()).isEqualTo("detail.colour");
    }

    @Test
    void noDeadLettersListsNoneWithoutAToken() {
        JsonNode answer = list(Json.object().put("state", "dead-lettered"));

        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(answer.path("jobs")).isEmpty();
        assertThat(answer.path("nextToken").isNull()).isTrue();
    }

    private void deadLettered(String jobId, String type, Instant at) {
        history.observe(new Attempt(jobId, type, "occ-" + jobId, 5, "ttl", at.minusSeconds(60), at, JobRunner.Outcome.DEAD_LETTERED,
                "failed after 5 attempt(s): boom"));
    }

    @Test
    void deadLettersAreListedNewestFirstByTypeAndPageAndAReplayedOneLeavesTheList() {
        for (int i = 0; i < 5; i++) {
            deadLettered("dl-" + i, i % 2 == 0 ? "report.daily" : "invoice.remind", now.minusSeconds(600 - i * 60L));
        }
        history.observe(new Attempt("ran", "report.daily", "occ-ran", 1, "ttl", now, now, JobRunner.Outcome.RAN, "published"));

        JsonNode first = list(Json.object().put("state", "dead-lettered").put("limit", 2));
        assertThat(first.path("jobs")).extracting(j -> j.path("jobId").asText()).containsExactly("dl-4", "dl-3");
        JsonNode line = first.path("jobs").get(0);
        assertThat(line.path("state").asText()).isEqualTo("dead-lettered");
        assertThat(line.path("jobType").asText()).isEqualTo("report.daily");
        assertThat(line.path("deadLetteredAt").asText()).isEqualTo(now.minusSeconds(360).toString());
        assertThat(line.path("dueAt").asText()).isEqualTo(now.minusSeconds(420).toString());
        assertThat(line.path("attempt").asInt()).isEqualTo(5);
        assertThat(line.path("reason").asText()).isEqualTo("failed after 5 attempt(s): boom");
        JsonNode second = list(Json.object().put("state", "dead-lettered").put("limit", 2).put("nextToken", first.path("nextToken").asText()));
        assertThat(second.path("jobs")).extracting(j -> j.path("jobId").asText()).containsExactly("dl-2", "dl-1");
        JsonNode third = list(Json.object().put("state", "dead-lettered").put("limit", 2).put("nextToken", second.path("nextToken").asText()));
        assertThat(third.path("jobs")).extracting(j -> j.path("jobId").asText()).containsExactly("dl-0");
        assertThat(third.path("nextToken").isNull()).as("a short page is the last").isTrue();

        assertThat(list(Json.object().put("state", "dead-lettered").put("jobType", "invoice.remind")).path("jobs"))
                .extracting(j -> j.path("jobId").asText()).containsExactly("dl-3", "dl-1");
        InvalidRequestException other = refusal(() -> list(Json.object().put("state", "dead-lettered").put("jobType", "invoice.remind")
                .put("limit", 2).put("nextToken", first.path("nextToken").asText())));
        assertThat(other.field()).isEqualTo("detail.nextToken");
        assertThat(other.problem()).contains("jobType");

        history.replayed("dl-4", "occ-dl-4");
        assertThat(list(Json.object().put("state", "dead-lettered")).path("jobs")).extracting(j -> j.path("jobId").asText())
                .containsExactly("dl-3", "dl-2", "dl-1", "dl-0");
    }
}
