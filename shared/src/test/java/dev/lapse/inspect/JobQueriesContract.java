package dev.lapse.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.job.Recurrence;
import dev.lapse.job.Series;
import dev.lapse.json.Json;
import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import dev.lapse.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Get Job and List Jobs ({@link JobQueries}) over a {@link History} and a {@link Listing}: a job's state and story, pages of
 * pending jobs in due order by window and type with tokens bound to their query, and bad input refused naming the field.
 * Run on the in-memory fakes ({@code InMemoryQueriesTest}) and on the DynamoDB adapters in DynamoDB Local
 * ({@code dev.lapse.local.JobQueriesTest}), so that both behave alike.
 */
public abstract class JobQueriesContract {
    protected final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    protected final SettableClock clock = new SettableClock(now);
    private Fixture fixture;
    private History history;
    private JobQueries queries;

    /** A fresh store of pending jobs ({@code create} writes one as the scheduler does), its history, and the queries over them. */
    public record Fixture(Consumer<Job> create, History history, JobQueries queries) {
        void create(Job job) {
            create.accept(job);
        }
    }

    protected abstract Fixture fixture(Clock clock);

    @BeforeEach
    void fresh() {
        fixture = fixture(clock);
        history = fixture.history();
        queries = fixture.queries();
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
        fixture.create(job("j1", "invoice.remind", now.plusSeconds(60), 1));
        fixture.create(job("j2", "invoice.remind", now.plusSeconds(60), 2));

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
            fixture.create(job("r" + i, "report.daily", now.plusSeconds(3600L * (7 - i)), 1)); // written latest first
            expected.add(0, "r" + i);
        }
        fixture.create(job("other", "invoice.remind", now.plusSeconds(1800), 1));
        fixture.create(job("outside", "report.daily", now.plus(Duration.ofDays(40)), 1));

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
    void pagesWithoutAWindowKeepTheWindowOfTheFirstPageWhileTheClockMoves() {
        for (int i = 0; i < 3; i++) {
            fixture.create(job("w" + i, "report.daily", now.plusSeconds(60L + i), 1));
        }
        ObjectNode query = Json.object().put("state", "pending").put("limit", 1);
        List<String> seen = new ArrayList<>();
        JsonNode page = list(query);
        seen.add(page.path("jobs").get(0).path("jobId").asText());
        while (!page.path("nextToken").isNull()) {
            clock.tick(Duration.ofMillis(1_500)); // the default window starts a day before the clock, so it moved too
            page = list(query.deepCopy().put("nextToken", page.path("nextToken").asText()));
            page.path("jobs").forEach(j -> seen.add(j.path("jobId").asText()));
        }

        assertThat(seen).containsExactly("w0", "w1", "w2");
        InvalidRequestException otherWindow = refusal(() -> list(Json.object().put("state", "pending").put("limit", 1)
                .put("dueFrom", now.toString()).put("nextToken", list(query).path("nextToken").asText())));
        assertThat(otherWindow.problem()).as("a window given with a token must still be the token's").contains("another query", "from");
    }

    @Test
    void aTokenWorksOnlyForTheQueryThatGaveIt() {
        for (int i = 0; i < 3; i++) {
            fixture.create(job("r" + i, "report.daily", now.plusSeconds(60L + i), 1));
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

    private Job series(String jobId, Series.State state) {
        Instant first = now.plusSeconds(60);
        Recurrence everyMinute = new Recurrence(Optional.of(Duration.ofMinutes(1)), Optional.empty(), ZoneOffset.UTC, Optional.empty(),
                Optional.empty(), Recurrence.CatchUp.NONE, first);
        return new Job(jobId, "provider.poll", "{}", first, "recurrence", "occ-" + jobId, 1, Optional.empty(), List.of(), now, "test",
                Optional.of(new Series(jobId, everyMinute, 1, first, state)));
    }

    @Test
    void aReplayedOccurrenceOfARecurringJobLeavesTheDeadLetterListItsAttemptWasRecordedIn() {
        Job occurrence = series("fs-9", Series.State.ACTIVE).waitingCopy();
        assertThat(occurrence.jobId()).as("an occurrence's copy has an id of its own").isNotEqualTo("fs-9");
        history.observe(new Attempt(occurrence.ownerJobId(), occurrence.type(), occurrence.occurrenceId(), 3, "due-jobs-queue",
                now.minusSeconds(60), now, JobRunner.Outcome.DEAD_LETTERED, "failed after 3 attempt(s): boom"));
        assertThat(list(Json.object().put("state", "dead-lettered")).path("jobs")).extracting(j -> j.path("jobId").asText())
                .containsExactly("fs-9");

        history.replayed(occurrence);

        assertThat(list(Json.object().put("state", "dead-lettered")).path("jobs")).as("replayed: off the list").isEmpty();
    }

    @Test
    void aRecurringJobShowsItsSeriesAndNextRunsAndAPausedOneIsShownButNotListed() {
        fixture.create(series("every", Series.State.ACTIVE));
        fixture.create(series("resting", Series.State.PAUSED));

        JsonNode active = get("every").path("job");
        assertThat(active.path("state").asText()).isEqualTo("pending");
        assertThat(active.path("series").path("sequence").asLong()).isEqualTo(1);
        assertThat(active.path("series").path("recurrence").path("every").asText()).isEqualTo("PT1M");
        assertThat(active.path("nextRuns")).hasSize(5);
        // compared as instants: at a whole minute OffsetDateTime.toString() leaves the seconds out ("10:58Z"), which failed 1 run in 60
        assertThat(Instant.parse(active.path("nextRuns").get(1).asText())).isEqualTo(now.plusSeconds(120));
        JsonNode paused = get("resting").path("job");
        assertThat(paused.path("state").asText()).isEqualTo("paused");
        fixture.create(series("ended", Series.State.CANCELLED));
        JsonNode cancelled = get("ended").path("job");
        assertThat(cancelled.path("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.path("dueAt").isNull()).as("kept for its retention, not due").isTrue();
        assertThat(paused.path("dueAt").isTextual()).as("a paused job keeps the occurrence it will resume").isTrue();
        assertThat(paused.has("nextRuns")).as("a paused job has none").isFalse();

        JsonNode listed = list(Json.object().put("state", "pending"));
        assertThat(listed.path("jobs")).extracting(j -> j.path("jobId").asText()).containsExactly("every");
        assertThat(Json.read(listed.path("jobs").get(0).path("series").toString()).path("sequence").asLong()).isEqualTo(1);
    }

    @Test
    void aStoryShowsEachAttemptWithItsErrorAndTellsAJobThatIsGoneByItsLastRecord() {
        history.observe(new Attempt("told", "report.daily", "occ-told", 1, "ttl", now.minusSeconds(90), now.minusSeconds(80),
                JobRunner.Outcome.RETRY_SCHEDULED, "boom; retry at 2026"));
        history.observe(new Attempt("told", "report.daily", "occ-told", 2, "due-jobs-queue", now.minusSeconds(30), now.minusSeconds(29),
                JobRunner.Outcome.RAN, "published"));
        history.observe(new Attempt("told", "report.daily", "occ-told", 3, "ttl", now, now, JobRunner.Outcome.DUPLICATE, "already handled"));

        JsonNode done = get("told");
        assertThat(done.path("job").path("state").asText()).isEqualTo("done");
        assertThat(done.path("history")).as("newest first; a duplicate is not kept").hasSize(2);
        assertThat(done.path("history").get(0).path("outcome").asText()).isEqualTo("RAN");
        assertThat(done.path("history").get(0).path("error").isNull()).as("a run is no error").isTrue();
        assertThat(done.path("history").get(0).path("latenessMs").asLong()).isEqualTo(1_000);
        assertThat(done.path("history").get(0).path("trigger").asText()).isEqualTo("due-jobs-queue");
        assertThat(done.path("history").get(1).path("error").asText()).isEqualTo("boom; retry at 2026");

        deadLettered("failed", "report.daily", now);
        assertThat(get("failed").path("job").path("state").asText()).isEqualTo("dead-lettered");
        assertThat(get("failed").path("history").get(0).path("error").asText()).isEqualTo("failed after 5 attempt(s): boom");
        history.observe(new Attempt("again", "report.daily", "occ-again", 1, "ttl", now, now, JobRunner.Outcome.RETRY_SCHEDULED, "x"));
        assertThat(get("again").path("job").path("state").asText()).as("re-armed, and taken again by now").isEqualTo("running");
    }

    @Test
    void aPageOfExactlyTheLimitIsTheLastAndEachLineSaysItsState() {
        fixture.create(job("a", "report.daily", now.plusSeconds(60), 1));
        fixture.create(job("b", "report.daily", now.plusSeconds(61), 3));

        JsonNode page = list(Json.object().put("state", "pending").put("limit", 2));

        assertThat(page.path("jobs")).extracting(j -> j.path("state").asText()).containsExactly("pending", "retrying");
        assertThat(page.path("jobs")).extracting(j -> j.path("attempt").asInt()).containsExactly(1, 3);
        assertThat(page.path("nextToken").isNull()).as("nothing follows").isTrue();
    }

    @Test
    void aRequestOfNeitherKindIsNotAQueryAndBadDetailsAreToldApart() {
        assertThat(JobQueries.handles(JobQueries.GET)).isTrue();
        assertThat(JobQueries.handles(JobQueries.LIST)).isTrue();
        assertThat(JobQueries.handles("Schedule Job")).isFalse();
        assertThat(refusal(() -> queries.answer(Json.object().put("detail-type", JobQueries.GET))).problem()).isEqualTo("is missing");
        assertThat(refusal(() -> queries.answer(Json.object().put("detail-type", JobQueries.LIST).put("detail", "pending"))).problem())
                .isEqualTo("is a string");
        assertThat(refusal(() -> queries.answer(request(JobQueries.GET, Json.object().put("jobId", 5)))).problem()).isEqualTo("is 5");
        assertThat(refusal(() -> queries.answer(request(JobQueries.GET, Json.object()))).problem()).isEqualTo("is missing");
        for (String token : List.of("%%%", "bm90LWpzb24", "WzFd")) { // not Base64; Base64 of "not-json"; of [1]
            assertThat(refusal(() -> list(Json.object().put("state", "pending").put("nextToken", token))).problem()).as(token)
                    .isEqualTo("is not a token Lapse gave");
        }
    }

    @Test
    void aRecordsPlaceInItsStoryIsItsTimeOccurrenceAndAttempt() {
        Instant fired = Instant.parse("2026-12-01T10:00:00.005Z");
        History.Entry e = new History.Entry("j", "a.b", "occ-1", 2, now, fired, 5, "ttl", "RAN", null);
        assertThat(e.at()).isEqualTo("2026-12-01T10:00:00.005000000Z#occ-1#2");
    }

    @Test
    void placesInAStorySortAsTheirTimesWhateverTheirFractionOfASecond() {
        // Instant.toString() writes 0, 3, 6 or 9 fraction digits: as text, "…00.123Z" sorted after "…00.123456Z"
        List<Instant> times = List.of(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:00.123Z"),
                Instant.parse("2026-12-01T10:00:00.123456Z"), Instant.parse("2026-12-01T10:00:00.123456789Z"),
                Instant.parse("2026-12-01T10:00:00.5Z"), Instant.parse("2026-12-01T10:00:01Z"));
        List<String> places = times.stream().map(t -> new History.Entry("j", "a.b", "occ-1", 1, now, t, 0, "ttl", "RAN", null).at()).toList();
        assertThat(places).isSorted().doesNotHaveDuplicates();
    }
}
