package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.local.LocalRuntime;
import dev.lapse.local.RuntimeOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Recurring jobs created at run time, end to end on the local runtime with DynamoDB TTL off: every occurrence can only
 * run because the previous one armed it on the due-jobs queue (the precise path).
 */
class RecurringJobsIT extends ScenarioSuite {
    /**
     * The series' interval: each occurrence must run before the next one is due, in its own slot. How close to its
     * instant it runs is a figure of the bench (recurring precision, p99 ≤ 1 s), not a bound of this test, which
     * shares the machine with the other suites.
     */
    static final Duration EVERY = Duration.ofSeconds(2);

    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withoutTtl().withSchedules(false));
    }

    private JsonNode invoke(String detailType, String detail) {
        return steps.invoke("ScheduleJobFunction", "{\"detail-type\": \"" + detailType + "\", \"detail\": " + detail + "}");
    }

    @Test
    void anEveryTwoSecondsJobRunsOnTimeOnceEachIsPausedResumedAndCancelled() {
        String jobId = unique("every-2s");
        JsonNode answer = invoke("Schedule Job", "{\"jobId\": \"" + jobId + "\", \"jobType\": \"provider.poll\", \"payload\": {\"n\": 1},"
                + " \"recurrence\": {\"every\": \"" + EVERY + "\"}}");
        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("SCHEDULED");
        assertThat(answer.path("nextRuns")).hasSize(5);

        await("five occurrences ran", Duration.ofSeconds(16), () -> steps.jobDue(jobId).size() >= 5);
        assertOnTimeOnceEach(steps.jobDue(jobId));

        steps.put("Pause Job", Json.object().put("jobId", jobId));
        await("paused", Duration.ofSeconds(5), () -> steps.job(jobId).map(i -> i.get("series").s().contains("\"paused\"")).orElse(false));
        Scenarios.sleep(2_500); // an occurrence already taken when the pause landed may still finish
        int atPause = steps.jobDue(jobId).size();
        Scenarios.sleep(5_000);
        assertThat(steps.jobDue(jobId)).as("no runs while paused").hasSize(atPause);
        assertThat(steps.job(jobId).orElseThrow()).as("a paused job waits for Resume Job, not for TTL").doesNotContainKey("ttl");

        JsonNode resumed = invoke("Resume Job", "{\"jobId\": \"" + jobId + "\"}");
        assertThat(resumed.path("outcome").asText()).as(resumed.toString()).isEqualTo("RESUMED");
        assertThat(resumed.path("nextRuns")).hasSize(5);
        await("runs again after resume", Duration.ofSeconds(10), () -> steps.jobDue(jobId).size() >= atPause + 3);

        JsonNode cancelled = invoke("Cancel Job", "{\"jobId\": \"" + jobId + "\"}");
        assertThat(cancelled.path("outcome").asText()).isEqualTo("CANCELLED");
        Scenarios.sleep(2_500);
        int atCancel = steps.jobDue(jobId).size();
        Scenarios.sleep(5_000);
        List<JsonNode> all = steps.jobDue(jobId);
        assertThat(all).as("no more runs after cancel").hasSize(atCancel);
        assertOnTimeOnceEach(all);
        assertThat(invoke("Get Job", "{\"jobId\": \"" + jobId + "\"}").at("/job/state").asText()).isEqualTo("cancelled");
    }

    @Test
    void aDeadLetteredOccurrenceIsReplayedByTheJobsOwnIdAndRunsAsThatOccurrence() {
        String jobId = unique("every-2s-failing");
        env.faults().orElseThrow().failEntries(e -> "Job Due".equals(e.path("detail-type").asText())
                && jobId.equals(e.path("detail").path("jobId").asText()), 1, "AccessDeniedException");
        JsonNode answer = invoke("Schedule Job", "{\"jobId\": \"" + jobId + "\", \"jobType\": \"provider.poll\","
                + " \"recurrence\": {\"every\": \"" + EVERY + "\"}, \"retry\": {\"maxAttempts\": 1, \"baseDelaySeconds\": 1, \"maxDelaySeconds\": 1}}");
        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("SCHEDULED");
        await("the first occurrence dead-lettered, the series going on", Duration.ofSeconds(15),
                () -> !failed(jobId).isEmpty() && steps.jobDue(jobId).size() >= 2);
        JsonNode letter = failed(jobId).get(0).path("detail").path("job");
        assertThat(letter.path("jobId").asText()).as("dead-lettered as its waiting copy").startsWith("series:" + jobId + ":");
        assertThat(letter.at("/series/sequence").asLong()).isEqualTo(1);
        String scheduledFor = letter.at("/series/scheduledFor").asText();
        invoke("Pause Job", "{\"jobId\": \"" + jobId + "\"}");

        JsonNode replay = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "dead-letters").put("jobId", jobId)));
        assertThat(replay.path("replayed")).as(replay.toString()).hasSize(1);
        await("the replayed occurrence ran", Duration.ofSeconds(20), () -> steps.jobDue(jobId).stream()
                .anyMatch(e -> e.path("detail").path("sequence").asLong() == 1));
        JsonNode ran = steps.jobDue(jobId).stream().filter(e -> e.path("detail").path("sequence").asLong() == 1).findFirst().orElseThrow()
                .path("detail");
        assertThat(ran.path("jobId").asText()).isEqualTo(jobId);
        assertThat(ran.path("scheduledFor").asText()).isEqualTo(scheduledFor);
        invoke("Cancel Job", "{\"jobId\": \"" + jobId + "\"}");
    }

    /** The "Job Failed" events of a recurring job's occurrences (they name the job in the dead-lettered job's series). */
    private List<JsonNode> failed(String jobId) {
        return env.lapseEvents().stream().filter(e -> "Job Failed".equals(e.path("detail-type").asText()))
                .filter(e -> jobId.equals(e.path("detail").path("job").at("/series/jobId").asText())).toList();
    }

    @Test
    void aCronJobAnswersItsNextRunsAcrossTheDaylightSavingChangeOfItsZone() {
        JsonNode answer = invoke("Schedule Job", "{\"jobId\": \"" + unique("cron-dst") + "\", \"jobType\": \"report.nightly\","
                + " \"recurrence\": {\"cron\": \"cron(30 2 * * ? *)\", \"timezone\": \"Europe/Warsaw\","
                + " \"startAt\": \"2027-03-26T12:00:00+01:00\"}}");
        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("SCHEDULED");
        List<String> runs = new ArrayList<>();
        answer.path("nextRuns").forEach(n -> runs.add(n.asText()));
        // 2027-03-28 02:30 does not exist in Warsaw (02:00 -> 03:00): skipped, as EventBridge Scheduler does
        assertThat(runs).containsExactly("2027-03-27T02:30:00+01:00", "2027-03-29T02:30:00+02:00", "2027-03-30T02:30:00+02:00",
                "2027-03-31T02:30:00+02:00", "2027-04-01T02:30:00+02:00");
    }

    @Test
    void aBadRecurrenceIsRefusedNamingTheFieldAndWritesNothing() {
        String jobId = unique("bad-cron");
        JsonNode answer = invoke("Schedule Job", "{\"jobId\": \"" + jobId + "\", \"jobType\": \"a.b\","
                + " \"recurrence\": {\"cron\": \"cron(0 9 * * ? *)\", \"timezone\": \"Europe/Atlantis\"}}");
        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.at("/error/field").asText()).isEqualTo("detail.recurrence.timezone");
        assertThat(steps.job(jobId)).isEmpty();
    }

    /** Each occurrence ran once, via the due-jobs queue, never before its scheduled instant and before the next one's. */
    private static void assertOnTimeOnceEach(List<JsonNode> ran) {
        Set<String> occurrences = new HashSet<>();
        Set<Long> sequences = new HashSet<>();
        for (JsonNode event : ran) {
            JsonNode d = event.path("detail");
            assertThat(occurrences.add(d.path("occurrenceId").asText())).as("occurrence ran once: " + d).isTrue();
            assertThat(sequences.add(d.path("sequence").asLong())).as("sequence once: " + d).isTrue();
            assertThat(d.path("trigger").asText()).as("via the precise path: " + d).isEqualTo("due-jobs-queue");
            Instant scheduledFor = Instant.parse(d.path("scheduledFor").asText());
            Instant firedAt = Instant.parse(d.path("firedAt").asText());
            assertThat(firedAt).as("never early: " + d).isAfterOrEqualTo(scheduledFor);
            assertThat(Duration.between(scheduledFor, firedAt)).as("in its own slot, before the next occurrence: " + d).isLessThan(EVERY);
        }
    }
}
