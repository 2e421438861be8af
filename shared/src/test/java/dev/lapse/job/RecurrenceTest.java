package dev.lapse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Fire times of every and cron recurrences, their bounds, daylight saving (EventBridge Scheduler's rule) and catch-up. */
class RecurrenceTest {
    static final Instant T0 = Instant.parse("2027-01-04T08:00:00Z");

    static Recurrence every(String period, Instant anchor) {
        return new Recurrence(Optional.of(Duration.parse(period)), Optional.empty(), ZoneId.of("UTC"), Optional.empty(),
                Optional.empty(), Recurrence.CatchUp.NONE, anchor);
    }

    static Recurrence cron(String expression, String zone) {
        return new Recurrence(Optional.empty(), Optional.of(expression), ZoneId.of(zone), Optional.empty(), Optional.empty(),
                Recurrence.CatchUp.NONE, Instant.EPOCH);
    }

    static Recurrence bounded(Recurrence r, Instant start, Instant end, Recurrence.CatchUp catchUp) {
        return new Recurrence(r.every(), r.cron(), r.zone(), Optional.ofNullable(start), Optional.ofNullable(end), catchUp,
                start != null && r.every().isPresent() ? start : r.anchor());
    }

    static List<Instant> fires(Recurrence r, Instant after, int n) {
        List<Instant> out = new ArrayList<>();
        Optional<Instant> next = r.firstAfter(after);
        while (next.isPresent() && out.size() < n) {
            out.add(next.get());
            next = r.firstAfter(next.get());
        }
        return out;
    }

    @Test
    void everyCountsWholePeriodsFromItsAnchor() {
        Recurrence r = every("PT30S", T0);
        assertThat(fires(r, T0.minusSeconds(100), 3)).containsExactly(T0, T0.plusSeconds(30), T0.plusSeconds(60));
        assertThat(r.firstAfter(T0)).contains(T0.plusSeconds(30));
        assertThat(r.firstAfter(T0.plusSeconds(29))).contains(T0.plusSeconds(30));
        assertThat(r.firstAfter(T0.plusSeconds(30))).contains(T0.plusSeconds(60));
        assertThat(r.firstAfter(T0.plusMillis(30_001))).contains(T0.plusSeconds(60));
    }

    @Test
    void anAnchorFinerThanAMillisecondCountsFromItsMillisecond() {
        Recurrence r = every("PT1S", Instant.parse("2027-01-04T10:00:00.000700Z"));
        Instant first = Instant.parse("2027-01-04T10:00:00Z");
        assertThat(r.anchor()).isEqualTo(first);
        assertThat(r.firstAfter(first.plusSeconds(2))).contains(first.plusSeconds(3));
        assertThat(r.latestBetween(first, first.plusMillis(3_500))).contains(first.plusSeconds(3));
        assertThat(r.nextRuns(first.plusSeconds(3).minusNanos(1), 1)).containsExactly("2027-01-04T10:00:03Z");
    }

    @Test
    void cronFollowsEventBridgeSchedulerSyntaxInItsZone() {
        Recurrence mondays = cron("cron(0 9 ? * MON *)", "Europe/Warsaw");
        // 2027-01-04 is a Monday; 09:00 in Warsaw (CET, +01:00) is 08:00Z
        assertThat(fires(mondays, T0.minusSeconds(1), 3)).containsExactly(Instant.parse("2027-01-04T08:00:00Z"),
                Instant.parse("2027-01-11T08:00:00Z"), Instant.parse("2027-01-18T08:00:00Z"));
        assertThat(mondays.nextRuns(T0.minusSeconds(1), 2)).containsExactly("2027-01-04T09:00:00+01:00", "2027-01-11T09:00:00+01:00");
        assertThat(cron("cron(15 10 ? * 2 *)", "UTC").firstAfter(T0)).as("day-of-week 2 is Monday, as on AWS")
                .contains(Instant.parse("2027-01-04T10:15:00Z"));
        assertThat(cron("cron(0 12 1 * ? 2027)", "UTC").firstAfter(Instant.parse("2027-12-01T12:00:00Z"))).as("the year field bounds it")
                .isEmpty();
    }

    @Test
    void malformedCronExpressionsAreRefused() {
        assertThatThrownBy(() -> Recurrence.cronTimes("0 9 * * ? *")).hasMessageContaining("cron(...)");
        assertThatThrownBy(() -> Recurrence.cronTimes("cron(0 9 * * ?)")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> Recurrence.cronTimes("cron(0 25 * * ? *)")).isInstanceOf(IllegalArgumentException.class);
        java.time.ZonedDateTime from = java.time.ZonedDateTime.parse("2027-01-01T00:01:00Z");
        assertThat(Recurrence.cronTimes(" cron(0/5 * * * ? *) ").nextExecution(from)).as("spaces around it are allowed")
                .contains(java.time.ZonedDateTime.parse("2027-01-01T00:05:00Z"));
    }

    @Test
    void springForwardSkipsALocalTimeThatDoesNotExist() {
        // Warsaw: 2027-03-28 02:00 -> 03:00; New York: 2027-03-14 02:00 -> 03:00
        Recurrence warsaw = cron("cron(30 2 * * ? *)", "Europe/Warsaw");
        assertThat(warsaw.nextRuns(Instant.parse("2027-03-26T12:00:00Z"), 3))
                .containsExactly("2027-03-27T02:30:00+01:00", "2027-03-29T02:30:00+02:00", "2027-03-30T02:30:00+02:00");
        Recurrence newYork = cron("cron(30 2 * * ? *)", "America/New_York");
        assertThat(newYork.nextRuns(Instant.parse("2027-03-13T12:00:00Z"), 2))
                .containsExactly("2027-03-15T02:30:00-04:00", "2027-03-16T02:30:00-04:00");
        assertThat(newYork.nextRuns(Instant.parse("2027-03-12T12:00:00Z"), 1)).containsExactly("2027-03-13T02:30:00-05:00");
    }

    @Test
    void fallBackRunsARepeatedLocalTimeOnceAtItsFirstInstant() {
        // Warsaw: 2026-10-25 03:00 -> 02:00 (02:00-02:59 twice); New York: 2026-11-01 02:00 -> 01:00
        Recurrence halfHours = cron("cron(0/30 * * * ? *)", "Europe/Warsaw");
        assertThat(halfHours.nextRuns(Instant.parse("2026-10-24T23:15:00Z"), 5)).containsExactly(
                "2026-10-25T01:30:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00",
                "2026-10-25T03:00:00+01:00", "2026-10-25T03:30:00+01:00");
        Recurrence newYork = cron("cron(30 1 * * ? *)", "America/New_York");
        assertThat(newYork.nextRuns(Instant.parse("2026-10-31T12:00:00Z"), 2))
                .containsExactly("2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00");
        assertThat(fires(newYork, Instant.parse("2026-11-01T05:30:00Z"), 1)).as("not again at 01:30-05:00")
                .containsExactly(Instant.parse("2026-11-02T06:30:00Z"));
    }

    @Test
    void startAtAndEndAtBoundTheSeries() {
        Instant start = T0.plusSeconds(3600);
        Instant end = start.plusSeconds(90);
        Recurrence r = bounded(every("PT30S", T0), start, end, Recurrence.CatchUp.NONE);
        assertThat(fires(r, T0, 10)).containsExactly(start, start.plusSeconds(30), start.plusSeconds(60), start.plusSeconds(90));
        Recurrence hourly = bounded(cron("cron(0 * * * ? *)", "UTC"), Instant.parse("2027-01-04T10:30:00Z"),
                Instant.parse("2027-01-04T12:00:00Z"), Recurrence.CatchUp.NONE);
        assertThat(fires(hourly, T0, 10)).containsExactly(Instant.parse("2027-01-04T11:00:00Z"), Instant.parse("2027-01-04T12:00:00Z"));
        assertThat(bounded(cron("cron(0 * * * ? *)", "UTC"), Instant.parse("2027-01-04T11:00:00Z"), null, Recurrence.CatchUp.NONE)
                .firstAfter(T0)).as("a fire time exactly at startAt counts").contains(Instant.parse("2027-01-04T11:00:00Z"));
    }

    @Test
    void aLateOccurrenceIsArmedAsItIsAndAMissedOneAsItsCatchUpSays() {
        Recurrence none = every("PT10M", T0);
        Recurrence latest = bounded(every("PT10M", T0), T0, null, Recurrence.CatchUp.LATEST);
        Instant candidate = T0.plusSeconds(600);
        // 30 s late is late, not missed: it runs at once, scheduled for its own instant
        assertThat(none.arm(candidate, candidate.plusSeconds(30))).contains(new Recurrence.Occurrence(candidate, candidate));
        // 35 minutes later: none skips to the next future fire time; latest runs the most recent missed one once, now
        Instant now = candidate.plusSeconds(35 * 60);
        assertThat(none.arm(candidate, now)).contains(new Recurrence.Occurrence(T0.plusSeconds(5 * 600), T0.plusSeconds(5 * 600)));
        assertThat(latest.arm(candidate, now)).contains(new Recurrence.Occurrence(T0.plusSeconds(4 * 600), now));
        assertThat(latest.after(T0.plusSeconds(4 * 600), now)).as("and then on schedule")
                .contains(new Recurrence.Occurrence(T0.plusSeconds(5 * 600), T0.plusSeconds(5 * 600)));
        assertThat(every("PT2S", T0).missedAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cron("cron(0 9 * * ? *)", "UTC").missedAfter()).isEqualTo(Recurrence.MISSED_AFTER);
    }

    @Test
    void catchUpLatestOfACronFindsTheMostRecentMissedFireTime() {
        Recurrence daily = bounded(cron("cron(0 9 * * ? *)", "Europe/Warsaw"), null, null, Recurrence.CatchUp.LATEST);
        Instant missed = Instant.parse("2027-01-04T08:00:00Z");
        Instant now = Instant.parse("2027-01-07T12:00:00Z");
        assertThat(daily.arm(missed, now)).contains(new Recurrence.Occurrence(Instant.parse("2027-01-07T08:00:00Z"), now));
        assertThat(daily.latestBetween(Instant.parse("2027-01-07T09:00:00Z"), now)).as("none in the window").isEmpty();
    }

    @Test
    void aSeriesPastItsEndHasNoNextOccurrence() {
        Recurrence r = bounded(every("PT30S", T0), T0, T0.plusSeconds(30), Recurrence.CatchUp.NONE);
        assertThat(r.after(T0.plusSeconds(30), T0.plusSeconds(30))).isEmpty();
        assertThat(r.arm(T0, T0.plusSeconds(3600))).as("missed, and nothing ahead").isEmpty();
    }

    @Test
    void theLatestFireTimeInAWindowIsBoundByTheWindowAndTheSeries() {
        Recurrence r = every("PT10M", T0);
        assertThat(r.latestBetween(T0, T0)).as("the anchor itself").contains(T0);
        assertThat(r.latestBetween(T0.minusSeconds(60), T0.minusMillis(1))).as("before the anchor").isEmpty();

        Recurrence hourly = bounded(cron("cron(0 * * * ? *)", "UTC"), Instant.parse("2027-01-04T10:30:00Z"),
                Instant.parse("2027-01-04T12:00:00Z"), Recurrence.CatchUp.LATEST);
        assertThat(hourly.latestBetween(T0, Instant.parse("2027-01-04T10:45:00Z"))).as("10:00 is before startAt").isEmpty();
        assertThat(hourly.latestBetween(T0, Instant.parse("2027-01-04T13:30:00Z"))).as("13:00 is after endAt: its last, 12:00")
                .contains(Instant.parse("2027-01-04T12:00:00Z"));
        assertThat(hourly.arm(Instant.parse("2027-01-04T11:00:00Z"), Instant.parse("2027-01-04T13:30:00Z")))
                .as("missed 11:00 and 12:00, resumed after the end: the last one runs once, now")
                .contains(new Recurrence.Occurrence(Instant.parse("2027-01-04T12:00:00Z"), Instant.parse("2027-01-04T13:30:00Z")));
        assertThat(hourly.latestBetween(T0, Instant.parse("2027-01-04T12:30:00Z"))).contains(Instant.parse("2027-01-04T12:00:00Z"));
    }

    @Test
    void aPeriodOfAMinuteOrMoreIsMissedAfterTheMinute() {
        assertThat(every("PT1M", T0).missedAfter()).isEqualTo(Recurrence.MISSED_AFTER);
        assertThat(every("PT1H", T0).missedAfter()).isEqualTo(Recurrence.MISSED_AFTER);
        assertThat(every("PT59S", T0).missedAfter()).isEqualTo(Duration.ofSeconds(59));
    }
}
