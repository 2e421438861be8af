package dev.lapse.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.run.DueJobsQueue;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Which buckets a sweep reads: the whole window without a usable mark, and after a clean sweep only from that sweep's
 * reach less the margin; and, over hours of jobs written at random and sweeps that sometimes fail, that this never
 * leaves a job behind.
 */
class SweepWindowTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:20Z"); // a quarter hour: a sweep at T0 reads the whole window
    static final Duration HORIZON = Duration.ofSeconds(90);

    final SettableClock clock = new SettableClock(T0);
    final DueJobsSweepTest.Index index = new DueJobsSweepTest.Index();
    final DueJobsSweepTest.Queue queue = new DueJobsSweepTest.Queue();
    final InMemorySweepMarks marks = new InMemorySweepMarks();
    final DueJobsSweep sweep = new DueJobsSweep(index, queue, HORIZON, clock, marks);

    /** The buckets of the minutes from {@code first} to {@code last} (inclusive), every shard. */
    static List<String> minutes(String first, String last) {
        List<String> buckets = new ArrayList<>();
        for (Instant m = Instant.parse(first); !m.isAfter(Instant.parse(last)); m = m.plusSeconds(60)) {
            for (int shard = 0; shard < DueBuckets.SHARDS; shard++) {
                buckets.add(DueBuckets.bucket(DueBuckets.minute(m), shard));
            }
        }
        return buckets;
    }

    @Test
    void withoutAMarkTheWholeWindowIsReadAndACleanSweepRecordsHowFarItGot() {
        DueJobsSweep.Report report = sweep.sweep();

        assertThat(index.queried).containsExactlyInAnyOrderElementsOf(minutes("2026-01-01T09:45:00Z", "2026-01-01T10:01:00Z"));
        assertThat(report.buckets()).isEqualTo(17 * DueBuckets.SHARDS);
        assertThat(marks.last()).contains(new SweepMarks.Mark(T0, HORIZON));
    }

    @Test
    void afterACleanSweepTheNextReadsFromItsReachLessTheMarginToItsOwn() {
        sweep.sweep();
        index.queried.clear();
        clock.tick(Duration.ofSeconds(61)); // 10:01:21; the last reach was 10:01:50, less 2 min: 09:59:50
        index.add("written-since", "o1", clock.instant().plus(HORIZON).minusSeconds(1)); // due 10:02:50, beyond the last reach

        DueJobsSweep.Report report = sweep.sweep();

        assertThat(index.queried).containsExactlyInAnyOrderElementsOf(minutes("2026-01-01T09:59:00Z", "2026-01-01T10:02:00Z"));
        assertThat(report).isEqualTo(new DueJobsSweep.Report(1, 1, 0, 0, 4 * DueBuckets.SHARDS));
        assertThat(queue.sentIds()).containsExactly("written-since");
        assertThat(marks.last().orElseThrow().until()).isEqualTo(clock.instant().plus(HORIZON));
    }

    @Test
    void anUncleanSweepRecordsNothingSoTheNextStartsFromTheLastCleanOne() {
        sweep.sweep();
        SweepMarks.Mark clean = marks.last().orElseThrow();
        clock.tick(Duration.ofSeconds(60));
        index.add("unlucky", "o1", clock.instant().plus(HORIZON));
        index.unreadable = DueBuckets.of("unlucky", clock.instant().plus(HORIZON))::equals;

        assertThatThrownBy(sweep::sweep).hasMessageContaining("could not be read");
        assertThat(marks.last()).contains(clean);

        clock.tick(Duration.ofSeconds(60));
        index.unreadable = bucket -> false;
        queue.failure = new IllegalStateException("SQS unavailable");
        assertThat(sweep.sweep().notSent()).isEqualTo(1);
        assertThat(marks.last()).as("a job not sent: not clean either").contains(clean);

        clock.tick(Duration.ofSeconds(60));
        queue.failure = null;
        index.queried.clear();
        DueJobsSweep.Report report = sweep.sweep();
        assertThat(report.handed()).isEqualTo(1);
        assertThat(index.queried).as("from the clean mark's reach (10:01:50) less 2 min")
                .containsExactlyInAnyOrderElementsOf(minutes("2026-01-01T09:59:00Z", "2026-01-01T10:04:00Z"));
    }

    @Test
    void aMarkOfAnotherHorizonTooOldOrFromTheFutureIsNotTrusted() {
        Instant now = T0.plusSeconds(61); // 10:01:21, no quarter hour: a usable mark would be used
        clock.set(now);
        List<SweepMarks.Mark> untrusted = List.of(
                new SweepMarks.Mark(now.minusSeconds(60), Duration.ofSeconds(900)),
                new SweepMarks.Mark(now.minus(DueJobsSweep.LOOKBACK).minusSeconds(1), HORIZON),
                new SweepMarks.Mark(now.plus(DueJobsSweep.MARGIN).plusSeconds(1), HORIZON),
                // trusted, but its reach less the margin lies in the minute before the window: the window, not more
                new SweepMarks.Mark(now.minus(DueJobsSweep.LOOKBACK).plusSeconds(5), HORIZON));
        for (SweepMarks.Mark mark : untrusted) {
            marks.set(mark);
            index.queried.clear();

            sweep.sweep();

            assertThat(index.queried).as(mark.toString())
                    .containsExactlyInAnyOrderElementsOf(minutes("2026-01-01T09:46:00Z", "2026-01-01T10:02:00Z"));
        }
    }

    @Test
    void everyQuarterHourTheWholeWindowIsReadWhateverTheMark() {
        clock.set(Instant.parse("2026-01-01T10:14:20Z"));
        sweep.sweep();
        clock.tick(Duration.ofSeconds(60)); // 10:15:20
        index.queried.clear();

        sweep.sweep();

        assertThat(index.queried).containsExactlyInAnyOrderElementsOf(minutes("2026-01-01T10:00:00Z", "2026-01-01T10:16:00Z"));
    }

    @Test
    void aMarkThatCannotBeReadOrRecordedLeavesTheSweepWorkingOnTheWholeWindow() {
        clock.set(T0.plusSeconds(61)); // no quarter hour: the sweep tries to read the mark
        marks.failing = true;
        index.add("a", "o1", clock.instant().plusSeconds(30));

        DueJobsSweep.Report report = sweep.sweep();

        assertThat(report).isEqualTo(new DueJobsSweep.Report(1, 1, 0, 0, 17 * DueBuckets.SHARDS));
        assertThat(marks.recorded).isZero();
    }

    /**
     * Jobs written at random, each due beyond the horizon when written (as the store indexes them), a third of them
     * within a minute past it, and visible in the index up to 5 s after the write (an index lags its table); a sweep
     * every minute at a random second of its first ten; one sweep in ten fails (a bucket unreadable or the queue down),
     * never two in a row. No job is left behind; a job is handed over after its due time only when a sweep failed in the
     * two minutes before it, and then by the next sweep; and the sweeps read a few minutes of buckets, not the whole window.
     */
    @ParameterizedTest
    @ValueSource(ints = {90, 900})
    void overHoursOfRandomWritesAndSomeFailedSweepsNoJobIsLeftBehind(int horizonSeconds) {
        Duration horizon = Duration.ofSeconds(horizonSeconds);
        Random random = new Random(20261202L + horizonSeconds);
        Map<String, Instant> handedAt = new java.util.concurrent.ConcurrentHashMap<>(); // the sweep sends from several threads
        HandOver recording = batch -> {
            List<DueJobsQueue.Message> sent = queue.send(batch);
            sent.forEach(m -> handedAt.putIfAbsent(m.jobId(), clock.instant()));
            return sent;
        };
        DueJobsSweep sweeping = new DueJobsSweep(index, recording, horizon, clock, marks);
        Map<String, Instant> due = new HashMap<>();
        TreeMap<Instant, List<String>> visibleAt = new TreeMap<>();
        List<Instant> failedSweeps = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        Instant end = start.plus(Duration.ofHours(4));
        int bucketsRead = 0;
        int sweeps = 0;
        boolean failedLast = false;
        for (Instant minute = start; minute.isBefore(end); minute = minute.plusSeconds(60)) {
            Instant sweepAt = minute.plusMillis(random.nextInt(10_000));
            clock.set(sweepAt);
            visibleAt.headMap(sweepAt, true).values().forEach(ids -> ids.forEach(id -> index.add(id, "o-" + id, due.get(id))));
            visibleAt.headMap(sweepAt, true).clear();
            boolean fail = !failedLast && random.nextInt(10) == 0;
            if (fail && random.nextBoolean()) {
                String lost = DueBuckets.bucket(DueBuckets.minute(sweepAt.plus(horizon)), random.nextInt(DueBuckets.SHARDS));
                index.unreadable = lost::equals;
            } else if (fail) {
                queue.failure = new IllegalStateException("SQS unavailable");
            }
            int before = index.queried.size();
            try {
                sweeping.sweep();
            } catch (IllegalStateException e) {
                assertThat(e).hasMessageContaining("could not be read");
            }
            bucketsRead += index.queried.size() - before;
            sweeps++;
            index.unreadable = bucket -> false;
            queue.failure = null;
            failedLast = fail;
            if (fail) {
                failedSweeps.add(sweepAt);
            }
            for (int k = 0; k < 60; k++) { // about one write a second, at random instants of this minute
                Instant written = minute.plusMillis(random.nextInt(60_000));
                String id = "job-" + due.size();
                int beyond = random.nextInt(3) == 0 ? 1 + random.nextInt(60_000) : 1 + random.nextInt(2_400_000);
                due.put(id, written.plus(horizon).plusMillis(beyond));
                visibleAt.computeIfAbsent(written.plusMillis(random.nextInt(5_000)), t -> new ArrayList<>()).add(id);
            }
        }
        List<String> wrong = new ArrayList<>();
        due.forEach((id, d) -> {
            if (d.isBefore(end.minusSeconds(90))) {
                Instant at = handedAt.get(id);
                boolean excused = failedSweeps.stream().anyMatch(f -> !f.isAfter(d) && f.isAfter(d.minusSeconds(120)));
                if (at == null) {
                    wrong.add(id + " due " + d + " never handed over");
                } else if (at.isAfter(d) && (!excused || at.isAfter(d.plusSeconds(75)))) {
                    wrong.add(id + " due " + d + " handed over at " + at);
                }
            }
        });
        assertThat(wrong).isEmpty();
        assertThat(handedAt).hasSizeGreaterThan(due.size() / 2);
        assertThat(failedSweeps).hasSizeGreaterThan(5);
        int window = (int) ((DueJobsSweep.LOOKBACK.plus(horizon).toMinutes() + 2) * DueBuckets.SHARDS);
        assertThat(bucketsRead).as("buckets read in %d sweeps, against %d for the whole window", sweeps, window)
                .isLessThan(sweeps * window / 3);
    }
}
