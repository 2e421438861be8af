package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.Job;
import dev.lapse.job.Series;
import dev.lapse.run.Occurrences;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recurring jobs through the endpoint's answer: schedule, the same again, change, pause, resume, cancel; bad input refused. */
class RecurringJobRequestsTest {
    static final Instant NOW = Instant.parse("2027-03-26T10:00:00Z");

    final SettableClock clock = new SettableClock(NOW);
    final InMemoryStores stores = new InMemoryStores();
    final List<Job> offered = new ArrayList<>();
    final JobScheduler scheduler = new JobScheduler(stores, stores, stores::ranForGood, offered::add, clock);
    final SchedulingEndpoint endpoint = new SchedulingEndpoint(new RequestParser(clock), scheduler, null);

    JsonNode send(String detailType, String detail) {
        return endpoint.handle("{\"detail-type\": \"" + detailType + "\", \"detail\": " + detail + "}");
    }

    static String recurring(String recurrence) {
        return "{\"jobId\": \"r1\", \"jobType\": \"provider.poll\", \"payload\": {\"p\": 1}, \"recurrence\": " + recurrence + "}";
    }

    Series series() {
        return stores.jobs.get("r1").series().orElseThrow();
    }

    @Test
    void anEveryJobIsOneItemWithItsFirstOccurrenceOnePeriodAhead() {
        JsonNode answer = send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        assertThat(answer.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(answer.path("nextRuns")).hasSize(5);
        assertThat(answer.path("nextRuns").get(0).asText()).isEqualTo("2027-03-26T10:00:30Z");
        assertThat(answer.path("nextRuns").get(4).asText()).isEqualTo("2027-03-26T10:02:30Z");
        Job stored = stores.jobs.get("r1");
        assertThat(stored.dueAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(stored.occurrenceId()).isEqualTo(Occurrences.ofSeries("r1", NOW.plusSeconds(30)));
        assertThat(series().sequence()).isEqualTo(1);
        assertThat(series().state()).isEqualTo(Series.State.ACTIVE);
        assertThat(answer.at("/job/series/recurrence/every").asText()).isEqualTo("PT30S");
        assertThat(offered).extracting(Job::jobId).containsExactly("r1");
    }

    @Test
    void theSameRecurringRequestLaterIsTheSameJobAndAnotherIsAConflictNamingTheRecurrence() {
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        clock.tick(Duration.ofSeconds(5));
        assertThat(send("Schedule Job", recurring("{\"every\": \"PT30S\"}")).path("outcome").asText()).isEqualTo("UNCHANGED");
        JsonNode conflict = send("Schedule Job", recurring("{\"every\": \"PT31S\"}"));
        assertThat(conflict.at("/error/code").asText()).isEqualTo("JOB_CONFLICT");
        assertThat(conflict.at("/error/fields").toString()).isEqualTo("[\"detail.recurrence\"]");
        assertThat(offered).hasSize(1);
    }

    @Test
    void aCronJobAnswersItsNextRunsAcrossTheSpringForwardInItsZone() {
        JsonNode answer = send("Schedule Job", recurring("{\"cron\": \"cron(30 2 * * ? *)\", \"timezone\": \"Europe/Warsaw\"}"));
        List<String> runs = new ArrayList<>();
        answer.path("nextRuns").forEach(n -> runs.add(n.asText()));
        assertThat(runs).containsExactly("2027-03-27T02:30:00+01:00", "2027-03-29T02:30:00+02:00", "2027-03-30T02:30:00+02:00",
                "2027-03-31T02:30:00+02:00", "2027-04-01T02:30:00+02:00");
    }

    @Test
    void pauseKeepsTheItemNeverDueAndResumeArmsTheOccurrenceItHad() {
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        String armed = stores.jobs.get("r1").occurrenceId();
        assertThat(offered).as("the first occurrence goes to the due-jobs queue").extracting(Job::occurrenceId).containsExactly(armed);
        JsonNode paused = send("Pause Job", "{\"jobId\": \"r1\"}");
        assertThat(paused.path("outcome").asText()).isEqualTo("PAUSED");
        assertThat(paused.path("job").path("jobId").asText()).isEqualTo("r1");
        assertThat(paused.path("job").has("ttl")).as("the answer shows no ttl: the paused item has none").isFalse();
        assertThat(series().state()).isEqualTo(Series.State.PAUSED);
        assertThat(offered).as("a paused item is never due: nothing sent").hasSize(1);
        assertThat(stores.jobs.get("r1").occurrenceId()).as("an old queue message finds nothing").isNotEqualTo(armed);
        assertThat(send("Pause Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).isEqualTo("UNCHANGED");
        clock.tick(Duration.ofSeconds(20));
        JsonNode resumed = send("Resume Job", "{\"jobId\": \"r1\"}");
        assertThat(resumed.path("outcome").asText()).isEqualTo("RESUMED");
        assertThat(resumed.path("job").path("ttl").isIntegralNumber()).as("a resumed item has its ttl again").isTrue();
        assertThat(stores.jobs.get("r1").occurrenceId()).isEqualTo(armed);
        assertThat(offered).as("the resumed occurrence is sent again").extracting(Job::occurrenceId).containsExactly(armed, armed);
        assertThat(resumed.path("nextRuns").get(0).asText()).isEqualTo("2027-03-26T10:00:30Z");
        assertThat(send("Resume Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).isEqualTo("UNCHANGED");
    }

    @Test
    void resumingAfterMissedOccurrencesSkipsThemOrRunsTheLatestOnce() {
        send("Schedule Job", recurring("{\"every\": \"PT1M\"}"));
        send("Pause Job", "{\"jobId\": \"r1\"}");
        clock.tick(Duration.ofMinutes(10).plusSeconds(10));
        send("Resume Job", "{\"jobId\": \"r1\"}");
        assertThat(stores.jobs.get("r1").dueAt()).as("catchUp none: the next future one").isEqualTo(NOW.plusSeconds(11 * 60));

        InMemoryStores other = new InMemoryStores();
        SettableClock otherClock = new SettableClock(NOW);
        SchedulingEndpoint latest = new SchedulingEndpoint(new RequestParser(otherClock),
                new JobScheduler(other, other, other::ranForGood, j -> { }, otherClock), null);
        latest.handle("{\"detail-type\": \"Schedule Job\", \"detail\": " + recurring("{\"every\": \"PT1M\", \"catchUp\": \"latest\"}") + "}");
        latest.handle("{\"detail-type\": \"Pause Job\", \"detail\": {\"jobId\": \"r1\"}}");
        otherClock.tick(Duration.ofMinutes(10).plusSeconds(10));
        latest.handle("{\"detail-type\": \"Resume Job\", \"detail\": {\"jobId\": \"r1\"}}");
        Job caughtUp = other.jobs.get("r1");
        assertThat(caughtUp.series().get().scheduledFor()).as("catchUp latest: the most recent missed one").isEqualTo(NOW.plusSeconds(10 * 60));
        assertThat(caughtUp.dueAt()).as("due now").isEqualTo(otherClock.instant());
    }

    @Test
    void aNewRecurrenceAppliesFromTheNextOccurrence() {
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        JsonNode changed = send("Reschedule Job", "{\"jobId\": \"r1\", \"recurrence\": {\"cron\": \"cron(0 12 * * ? *)\", \"timezone\": \"UTC\"}}");
        assertThat(changed.path("outcome").asText()).isEqualTo("RESCHEDULED");
        assertThat(stores.jobs.get("r1").dueAt()).isEqualTo(Instant.parse("2027-03-26T12:00:00Z"));
        assertThat(series().recurrence().cron()).contains("cron(0 12 * * ? *)");
        assertThat(changed.path("nextRuns").get(1).asText()).isEqualTo("2027-03-27T12:00:00Z");
        JsonNode oneTime = send("Reschedule Job", "{\"jobId\": \"r1\", \"delay\": \"PT5M\"}");
        assertThat(oneTime.at("/error/code").asText()).isEqualTo("JOB_IS_RECURRING");
    }

    @Test
    void cancelEndsTheSeriesAndKeepsItsItemAWhileAsCancelled() {
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        JsonNode cancelled = send("Cancel Job", "{\"jobId\": \"r1\"}");
        assertThat(cancelled.path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.has("nextRuns")).as("a cancelled job has no next runs").isFalse();
        Job kept = stores.jobs.get("r1");
        assertThat(kept.isDormant()).isTrue();
        assertThat(kept.series().get().state()).isEqualTo(Series.State.CANCELLED);
        assertThat(kept.dueAt()).isEqualTo(NOW.plus(RecurringSeries.CANCELLED_KEPT));
        assertThat(send("Cancel Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(send("Resume Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(send("Schedule Job", recurring("{\"every\": \"PT1M\"}")).path("outcome").asText()).as("the id is free again")
                .isEqualTo("SCHEDULED");
        send("Cancel Job", "{\"jobId\": \"r1\"}");
        assertThat(send("Schedule Job", "{\"jobId\": \"r1\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"}").path("outcome").asText())
                .as("also for a one-time job").isEqualTo("SCHEDULED");
    }

    @Test
    void aChangeThatFindsAnOccurrenceArmedMeanwhileIsAppliedToIt() {
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        stores.contendedReplaces = 2;
        assertThat(send("Pause Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).isEqualTo("PAUSED");
        stores.contendedReplaces = 5;
        assertThat(send("Resume Job", "{\"jobId\": \"r1\"}").at("/error/code").asText()).isEqualTo("JOB_CONTENDED");
    }

    @Test
    void aCancelThatFindsTheSeriesGoneMeanwhileIsNotFoundAndOneThatKeepsFindingItChangedIsContended() {
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        stores.contendedReplaces = 1;
        stores.meanwhile = () -> stores.jobs.remove("r1"); // its last occurrence ran meanwhile, and the series ended
        assertThat(send("Cancel Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).isEqualTo("NOT_FOUND");

        stores.meanwhile = null;
        send("Schedule Job", recurring("{\"every\": \"PT30S\"}"));
        stores.contendedReplaces = 5;
        assertThat(send("Cancel Job", "{\"jobId\": \"r1\"}").at("/error/code").asText()).isEqualTo("JOB_CONTENDED");
        stores.contendedReplaces = 4;
        assertThat(send("Cancel Job", "{\"jobId\": \"r1\"}").path("outcome").asText()).as("the fifth try").isEqualTo("CANCELLED");
    }

    @Test
    void pauseOfAOneTimeJobOrOfNothingIsRefusedOrNotFound() {
        send("Schedule Job", "{\"jobId\": \"once\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"}");
        assertThat(send("Pause Job", "{\"jobId\": \"once\"}").at("/error/code").asText()).isEqualTo("JOB_NOT_RECURRING");
        assertThat(send("Reschedule Job", "{\"jobId\": \"once\", \"recurrence\": {\"every\": \"PT1M\"}}").at("/error/code").asText())
                .isEqualTo("JOB_NOT_RECURRING");
        assertThat(send("Pause Job", "{\"jobId\": \"nobody\"}").path("outcome").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aCronWithBothOrNeitherDayFieldAQuestionMarkIsRefusedSayingSoInItsOwnSixFields() {
        JsonNode bothQuestionMarks = send("Schedule Job", recurring("{\"cron\": \"cron(0 9 ? * ? *)\"}"));
        JsonNode neither = send("Schedule Job", recurring("{\"cron\": \"cron(0 9 1 * MON *)\"}"));

        assertThat(bothQuestionMarks.at("/error/problem").asText())
                .endsWith("has day-of-month ? and day-of-week ?: exactly one of them must be ?");
        assertThat(neither.at("/error/problem").asText()).endsWith("has day-of-month 1 and day-of-week MON: exactly one of them must be ?");
        assertThat(bothQuestionMarks.at("/error/problem").asText()).as("no seconds field the request never had").doesNotContain("0 0 9");
        assertThat(stores.jobs).isEmpty();
    }

    @Test
    void badRecurrencesAreRefusedNamingTheFieldAndNothingIsWritten() {
        String[][] cases = {
                {"{\"every\": \"PT0.5S\"}", "detail.recurrence.every"},
                {"{\"every\": \"PT1.0005S\"}", "detail.recurrence.every"},
                {"{\"every\": \"P367D\"}", "detail.recurrence.every"},
                {"{\"every\": \"soon\"}", "detail.recurrence.every"},
                {"{\"every\": 30}", "detail.recurrence.every"},
                {"{}", "detail.recurrence.every"},
                {"{\"every\": \"PT1M\", \"cron\": \"cron(0 9 * * ? *)\"}", "detail.recurrence.every"},
                {"{\"cron\": \"cron(0 9 * * *)\"}", "detail.recurrence.cron"},
                {"{\"cron\": \"0 9 * * ? *\"}", "detail.recurrence.cron"},
                {"{\"cron\": \"cron(0 99 * * ? *)\"}", "detail.recurrence.cron"},
                {"{\"cron\": \"cron(0 9 * * ? *)\", \"timezone\": \"Mars/Olympus\"}", "detail.recurrence.timezone"},
                {"{\"cron\": \"cron(0 9 * * ? *)\", \"timezone\": \"+02:00\"}", "detail.recurrence.timezone"},
                {"{\"every\": \"PT1M\", \"startAt\": \"2027-04-01T00:00:00Z\", \"endAt\": \"2027-03-31T00:00:00Z\"}", "detail.recurrence.endAt"},
                {"{\"every\": \"PT1M\", \"endAt\": \"2027-03-26T09:00:00Z\"}", "detail.recurrence.endAt"},
                {"{\"every\": \"PT1M\", \"startAt\": \"tomorrow\"}", "detail.recurrence.startAt"},
                {"{\"every\": \"PT1M\", \"catchUp\": \"all\"}", "detail.recurrence.catchUp"},
                {"{\"every\": \"PT1M\", \"often\": true}", "detail.recurrence.often"},
                {"{\"cron\": \"cron(0 9 1 1 ? 2020)\"}", "detail.recurrence.cron"},
                {"\"PT1M\"", "detail.recurrence"},
        };
        for (String[] c : cases) {
            JsonNode answer = send("Schedule Job", recurring(c[0]));
            assertThat(answer.path("ok").asBoolean()).as(c[0]).isFalse();
            assertThat(answer.at("/error/field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        JsonNode both = send("Schedule Job", "{\"jobId\": \"r1\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"recurrence\": {\"every\": \"PT1M\"}}");
        assertThat(both.at("/error/field").asText()).isEqualTo("detail.recurrence");
        assertThat(both.at("/error/message").asText()).contains("together with detail.delay");
        assertThat(send("Schedule Job", "{\"jobId\": \"series:x:1\", \"jobType\": \"a.b\", \"recurrence\": {\"every\": \"PT1M\"}}")
                .at("/error/field").asText()).as("waiting copies' ids are reserved").isEqualTo("detail.jobId");
        assertThat(stores.jobs).isEmpty();
        assertThat(offered).isEmpty();
    }

    @Test
    void theBoundsOfARecurrenceAreAccepted() {
        String[] accepted = {
                "{\"every\": \"PT1S\"}", // Recurrence.MIN_EVERY
                "{\"every\": \"P366D\"}", // Recurrence.MAX_EVERY
                "{\"every\": \"PT1.5S\"}", // whole milliseconds
                "{\"every\": \"PT1M\", \"endAt\": \"2027-03-27T00:00:00Z\"}", // an end without a start
        };
        for (String recurrence : accepted) {
            JsonNode answer = send("Schedule Job", recurring(recurrence).replace("\"r1\"", "\"r-" + recurrence.hashCode() + "\""));
            assertThat(answer.path("ok").asBoolean()).as(recurrence + ": " + answer).isTrue();
        }
        assertThat(stores.jobs).hasSize(accepted.length);
    }

    @Test
    void everyAndCronGivenTogetherAreToldFromNeitherGiven() {
        assertThat(send("Schedule Job", recurring("{\"every\": \"PT1M\", \"cron\": \"cron(0 9 * * ? *)\"}")).at("/error/message").asText())
                .contains("is given together with detail.recurrence.cron");
        assertThat(send("Schedule Job", recurring("{\"timezone\": \"UTC\"}")).at("/error/message").asText())
                .contains("is missing (and so is detail.recurrence.cron)");
        assertThat(send("Schedule Job", recurring("{\"every\": \"PT1M\", \"startAt\": \"2027-04-01T00:00:00Z\", \"endAt\": \"2027-04-01T00:00:00Z\"}"))
                .at("/error/field").asText()).as("an end at the start").isEqualTo("detail.recurrence.endAt");
    }
}
