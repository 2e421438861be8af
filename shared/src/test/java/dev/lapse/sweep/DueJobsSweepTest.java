package dev.lapse.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.run.DueJobsQueue;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class DueJobsSweepTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:20Z");
    static final Duration HORIZON = Duration.ofSeconds(90);
    /** The whole window at T0: 09:45 (15 min back) to 10:01 (10:00:20 + 90 s = 10:01:50), 17 minutes of 8 shards. */
    static final int WHOLE_WINDOW = 17 * DueBuckets.SHARDS;

    final SettableClock clock = new SettableClock(T0);
    final Index index = new Index();
    final Queue queue = new Queue();
    final DueJobsSweep sweep = new DueJobsSweep(index, queue, HORIZON, clock);

    /** The index: jobs by bucket, a job leaving it when marked; records every bucket queried. */
    static final class Index implements PendingJobs {
        final Map<String, PendingJobs.Pending> byJobId = new LinkedHashMap<>();
        final List<String> queried = new ArrayList<>();
        final List<String> marked = new ArrayList<>();
        Predicate<String> unreadable = bucket -> false;
        Predicate<String> unmarkable = jobId -> false;
        /** Runs at each mark (a slow store: the test's clock moves on). */
        Runnable onMark = () -> { };

        private final Map<String, Map<String, PendingJobs.Pending>> byBucket = new java.util.HashMap<>();

        synchronized void add(String jobId, String occurrenceId, Instant due) {
            Pending replaced = byJobId.put(jobId, new Pending(jobId, occurrenceId, due));
            if (replaced != null) {
                byBucket.get(DueBuckets.of(jobId, replaced.dueAt())).remove(jobId);
            }
            byBucket.computeIfAbsent(DueBuckets.of(jobId, due), b -> new LinkedHashMap<>()).put(jobId, byJobId.get(jobId));
        }

        @Override
        public synchronized List<Pending> dueBy(String bucket, Instant until) {
            queried.add(bucket);
            if (unreadable.test(bucket)) {
                throw new IllegalStateException("ProvisionedThroughputExceeded");
            }
            return byBucket.getOrDefault(bucket, Map.of()).values().stream().filter(p -> !p.dueAt().isAfter(until)).toList();
        }

        @Override
        public synchronized boolean markHanded(Pending job, Instant at) {
            onMark.run();
            if (unmarkable.test(job.jobId())) {
                throw new IllegalStateException("DynamoDB unavailable");
            }
            if (!job.equals(byJobId.get(job.jobId()))) {
                return false;
            }
            byJobId.remove(job.jobId());
            byBucket.get(DueBuckets.of(job.jobId(), job.dueAt())).remove(job.jobId());
            marked.add(job.jobId());
            return true;
        }
    }

    static class Queue implements HandOver {
        final List<List<DueJobsQueue.Message>> calls = new ArrayList<>();
        Predicate<DueJobsQueue.Message> refuses = m -> false;
        RuntimeException failure;

        @Override
        public synchronized List<DueJobsQueue.Message> send(List<DueJobsQueue.Message> batch) {
            calls.add(List.copyOf(batch));
            if (failure != null) {
                throw failure;
            }
            return batch.stream().filter(refuses.negate()).toList();
        }

        List<String> sentIds() {
            return calls.stream().flatMap(List::stream).map(DueJobsQueue.Message::jobId).toList();
        }
    }

    @Test
    void handsOverEveryJobDueWithinTheHorizonAndMarksIt() {
        index.add("soon", "o1", T0.plusSeconds(30));
        index.add("edge", "o2", T0.plus(HORIZON));
        index.add("later", "o3", T0.plus(HORIZON).plusMillis(1));
        index.add("overdue", "o4", T0.minusSeconds(600));

        DueJobsSweep.Report report = sweep.sweep();

        assertThat(queue.sentIds()).containsExactlyInAnyOrder("soon", "edge", "overdue");
        assertThat(queue.calls.get(0)).contains(new DueJobsQueue.Message("soon", "o1", T0.plusSeconds(30)));
        assertThat(index.marked).containsExactlyInAnyOrder("soon", "edge", "overdue");
        assertThat(index.byJobId).containsOnlyKeys("later");
        assertThat(report).isEqualTo(new DueJobsSweep.Report(3, 3, 0, 0, WHOLE_WINDOW));
    }

    @Test
    void aJobHandedOverIsNotSentAgainByTheNextSweep() {
        index.add("a", "o1", T0.plusSeconds(30));
        sweep.sweep();
        clock.tick(Duration.ofMinutes(1));

        assertThat(sweep.sweep().found()).isZero();
        assertThat(queue.sentIds()).containsExactly("a");
    }

    @Test
    void queriesEveryShardOfEveryMinuteFromTheLookbackToTheHorizon() {
        sweep.sweep();

        // 09:45 (15 min back) to 10:01 (10:00:20 + 90 s = 10:01:50): 17 minutes, 8 shards each
        assertThat(index.queried).hasSize(WHOLE_WINDOW);
        assertThat(index.queried).contains("2026-01-01T09:45Z#0", "2026-01-01T09:45Z#7", "2026-01-01T10:01Z#0", "2026-01-01T10:01Z#7")
                .doesNotContain("2026-01-01T09:44Z#0", "2026-01-01T10:02Z#0");
    }

    @Test
    void sendsAtMostTenMessagesACall() {
        for (int i = 0; i < 25; i++) {
            index.add("job-" + i, "o" + i, T0.plusSeconds(i));
        }

        assertThat(sweep.sweep().handed()).isEqualTo(25);

        assertThat(queue.calls).extracting(List::size).containsExactlyInAnyOrder(10, 10, 5);
        // the earliest due go together, whatever bucket they were found in
        assertThat(queue.calls).anySatisfy(call -> assertThat(call).extracting(DueJobsQueue.Message::jobId)
                .containsExactlyInAnyOrder("job-0", "job-1", "job-2", "job-3", "job-4", "job-5", "job-6", "job-7", "job-8", "job-9"));
    }

    @Test
    void aBucketThatCannotBeReadFailsTheSweepAfterTheOthersAreHandedOver() {
        index.add("readable", "o1", T0.plusSeconds(10));
        index.add("unreadable", "o2", T0.plusSeconds(10));
        String lost = DueBuckets.of("unreadable", T0.plusSeconds(10));
        assertThat(DueBuckets.of("readable", T0.plusSeconds(10))).as("the two jobs are in different buckets").isNotEqualTo(lost);
        index.unreadable = lost::equals;

        assertThatThrownBy(sweep::sweep).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 of " + 17 * DueBuckets.SHARDS + " buckets").hasMessageContaining(lost);
        assertThat(index.queried).hasSize(17 * DueBuckets.SHARDS);
        assertThat(queue.sentIds()).containsExactly("readable");
        assertThat(index.byJobId).containsOnlyKeys("unreadable");

        index.unreadable = bucket -> false;
        assertThat(sweep.sweep().handed()).isEqualTo(1);
        assertThat(index.byJobId).isEmpty();
    }

    @Test
    void aJobSentButNotMarkedStaysForTheNextSweepAndTheRestOfItsBatchIsMarked() {
        for (int i = 0; i < 3; i++) {
            index.add("job-" + i, "o" + i, T0.plusSeconds(10 + i));
        }
        index.unmarkable = "job-1"::equals;

        assertThat(sweep.sweep()).isEqualTo(new DueJobsSweep.Report(3, 2, 0, 1, WHOLE_WINDOW));
        assertThat(index.byJobId).containsOnlyKeys("job-1");
        assertThat(queue.calls).hasSize(1);
    }

    @Test
    void aMessageTheQueueRefusedIsNotMarkedAndGoesAgainNextSweep() {
        index.add("refused", "o1", T0.plusSeconds(10));
        index.add("taken", "o2", T0.plusSeconds(10));
        queue.refuses = m -> m.jobId().equals("refused");

        assertThat(sweep.sweep()).isEqualTo(new DueJobsSweep.Report(2, 1, 1, 0, WHOLE_WINDOW));
        assertThat(index.byJobId).containsOnlyKeys("refused");

        queue.refuses = m -> false;
        clock.tick(Duration.ofMinutes(1));
        assertThat(sweep.sweep().handed()).isEqualTo(1);
        assertThat(index.byJobId).isEmpty();
    }

    @Test
    void aFailedCallLeavesItsBatchForTheNextSweep() {
        index.add("a", "o1", T0.plusSeconds(10));
        queue.failure = new IllegalStateException("SQS unavailable");

        assertThat(sweep.sweep()).isEqualTo(new DueJobsSweep.Report(1, 0, 1, 0, WHOLE_WINDOW));
        assertThat(index.byJobId).containsOnlyKeys("a");
    }

    @Test
    void aJobMovedSinceTheQueryIsLeftInTheIndex() {
        index.add("moved", "old", T0.plusSeconds(10));
        HandOver moving = batch -> {
            index.add("moved", "new", T0.plusSeconds(3600));
            return batch;
        };

        DueJobsSweep.Report report = new DueJobsSweep(index, moving, HORIZON, clock).sweep();

        assertThat(report).isEqualTo(new DueJobsSweep.Report(1, 0, 0, 1, WHOLE_WINDOW));
        assertThat(index.byJobId.get("moved").occurrenceId()).isEqualTo("new");
    }

    @Test
    void bucketsAreTheDueMinuteAndAStableShard() {
        assertThat(DueBuckets.of("job-1", Instant.parse("2026-03-04T05:06:59.999Z"))).isEqualTo("2026-03-04T05:06Z#" + DueBuckets.shard("job-1"));
        // CRC-32 of "a" is 0xE8B7BE43: stable across runs and JVMs; and the shards are spread over all of them
        assertThat(DueBuckets.shard("a")).isEqualTo((int) (0xE8B7BE43L % DueBuckets.SHARDS));
        assertThat(java.util.stream.IntStream.range(0, 200).map(i -> DueBuckets.shard("job-" + i)).distinct().count()).isEqualTo(DueBuckets.SHARDS);
    }

    /** A queue with SQS's whole-second delays: it answers SQS's sending instants and records when each call was made. */
    static final class AlignedQueue extends Queue {
        final HandOver sqs;
        /** The instant the calling worker waited until, if it waited (the test's clock does not move). */
        final ThreadLocal<Instant> waitedUntil = new ThreadLocal<>();
        final Map<List<DueJobsQueue.Message>, Instant> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        final SettableClock clock;

        AlignedQueue(SettableClock clock) {
            this.clock = clock;
            this.sqs = new dev.lapse.run.SqsDueJobsQueue(null, "https://sqs.example/due", HORIZON, clock);
        }

        dev.lapse.run.Waiter waiter() {
            return d -> waitedUntil.set(clock.instant().plus(d));
        }

        @Override
        public Instant sendAt(Instant due, Instant earliest) {
            return sqs.sendAt(due, earliest);
        }

        @Override
        public synchronized List<DueJobsQueue.Message> send(List<DueJobsQueue.Message> batch) {
            sentAt.put(List.copyOf(batch), waitedUntil.get() == null ? clock.instant() : waitedUntil.get());
            waitedUntil.remove();
            return super.send(batch);
        }
    }

    @Test
    void eachCallIsSentAtTheInstantThatMakesItsMessagesArriveJustBeforeTheirDueTimes() {
        AlignedQueue aligned = new AlignedQueue(clock);
        // 80 jobs 40-80 s ahead, due every 13 ms of the second, some in the same millisecond
        for (int i = 0; i < 80; i++) {
            index.add("job-" + i, "o" + i, T0.plusSeconds(40 + i / 2).plusMillis((i * 13L) % 1000));
        }

        DueJobsSweep.Report report = new DueJobsSweep(index, aligned, HORIZON, clock, SweepMarks.NONE, aligned.waiter()).sweep();

        assertThat(report.handed()).isEqualTo(80);
        assertThat(aligned.sentAt).hasSize(aligned.calls.size());
        aligned.sentAt.forEach((call, sent) -> {
            assertThat(call).hasSizeLessThanOrEqualTo(HandOver.MAX_BATCH);
            assertThat(sent).as("the sends of a sweep take at most a second more").isBetween(T0, T0.plusMillis(999));
            for (DueJobsQueue.Message m : call) {
                Instant arrives = sent.plusSeconds(dev.lapse.run.SqsDueJobsQueue.delaySeconds(m.dueAt(), sent));
                // the lead, or up to the batch's span more (sent with a job whose instant came a little earlier)
                assertThat(Duration.between(arrives, m.dueAt())).as("%s sent %s", m, sent)
                        .isBetween(dev.lapse.run.SqsDueJobsQueue.SWEEP_LEAD, dev.lapse.run.SqsDueJobsQueue.SWEEP_LEAD.plus(DueJobsSweep.BATCH_SPAN));
            }
        });
        // jobs whose instants are close share a call: fewer calls than jobs, each instant's neighbours together
        assertThat(aligned.calls.size()).isLessThan(80).isGreaterThanOrEqualTo(8);
    }

    @Test
    void callsAreOrderedBySendingInstantAndSplitWhereTheInstantsDrawApart() {
        AlignedQueue aligned = new AlignedQueue(clock);
        DueJobsSweep s = new DueJobsSweep(index, aligned, HORIZON, clock);
        Instant due = T0.plusSeconds(60);
        List<PendingJobs.Pending> jobs = List.of(
                new PendingJobs.Pending("c", "o", due.plusMillis(500)),
                new PendingJobs.Pending("a", "o", due.plusMillis(100)),
                new PendingJobs.Pending("b", "o", due.plusMillis(125)),
                new PendingJobs.Pending("late", "o", due.plusSeconds(30).plusMillis(110)),
                new PendingJobs.Pending("d", "o", due.plusMillis(126)));

        List<DueJobsSweep.Batch> batches = s.batches(jobs, T0);

        // instants: a 10:00:20.050, b .075, late .060, d .076, c .450; a batch spans at most 25 ms from its first
        assertThat(batches).extracting(b -> b.jobs().stream().map(PendingJobs.Pending::jobId).toList())
                .containsExactly(List.of("a", "late", "b"), List.of("d"), List.of("c"));
        assertThat(batches).extracting(DueJobsSweep.Batch::at)
                .containsExactly(T0.plusMillis(50), T0.plusMillis(76), T0.plusMillis(450));
    }

    @Test
    void slowMarksDoNotMakeTheLaterCallsMissTheirInstants() {
        AlignedQueue aligned = new AlignedQueue(clock);
        for (int i = 0; i < 200; i++) {
            index.add("job-" + i, "o" + i, T0.plusSeconds(40).plusMillis(i * 120L));
        }
        index.onMark = () -> clock.tick(Duration.ofMillis(30)); // 30 ms a mark: 6 s for all, if they came between the calls

        DueJobsSweep.Report report = new DueJobsSweep(index, aligned, HORIZON, clock, SweepMarks.NONE, aligned.waiter()).sweep();

        assertThat(report.handed()).isEqualTo(200);
        aligned.sentAt.forEach((call, sent) -> assertThat(sent).as("sent %s", call).isBetween(T0, T0.plusMillis(999)));
    }

    @Test
    void primingMakesEachKindOfCallOnceWithTheSampleJob() {
        List<String> markCalls = new ArrayList<>();
        SweepMarks marks = new SweepMarks() {
            @Override
            public java.util.Optional<Mark> last() {
                markCalls.add("last");
                throw new IllegalStateException("an empty in-process answer"); // the next call still primes
            }

            @Override
            public void record(Mark mark) {
                markCalls.add("record " + mark);
            }
        };
        index.add("pending", "o1", T0.plusSeconds(30));
        java.util.concurrent.atomic.AtomicInteger markAttempts = new java.util.concurrent.atomic.AtomicInteger();
        index.onMark = markAttempts::incrementAndGet;

        DueJobsSweep.Report report = new DueJobsSweep(index, queue, HORIZON, clock, marks).prime("sample");

        assertThat(report.json()).as("what the priming writes as the function's answer")
                .isEqualTo("{\"found\":1,\"handed\":1,\"notSent\":0,\"notMarked\":0,\"buckets\":1}");

        Instant due = T0.plus(HORIZON);
        assertThat(index.queried).containsExactly(DueBuckets.of("sample", due));
        assertThat(queue.calls).containsExactly(List.of(new DueJobsQueue.Message("sample", "sample", due)));
        assertThat(markCalls).containsExactly("last", "record " + new SweepMarks.Mark(T0, HORIZON));
        assertThat(markAttempts).as("the sample's mark is tried once").hasValue(1);
        assertThat(index.marked).as("it is not in the index: its mark changes nothing").isEmpty();
        assertThat(index.byJobId).containsOnlyKeys("pending");
    }
}
