package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Calls joined across the records of a batch ({@link RecordBatch#join}), as {@link PartialBatch} runs them. */
class RecordBatchTest {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    final RecordBatch.Call<String, String> echo = entries -> {
        calls.add(List.copyOf(entries));
        return entries.stream().map(e -> "sent " + e).toList();
    };

    @Test
    void outsideABatchAnEntryIsSentAlone() {
        assertThat(RecordBatch.join(echo, "x", 10)).isEqualTo("sent x");
        assertThat(calls).containsExactly(List.of("x"));
    }

    @Test
    void aFullCallGoesOutAtOnceWhileAnotherWorkerIsStillRunning() {
        CountDownLatch fullSent = new CountDownLatch(1);
        Map<String, String> results = new ConcurrentHashMap<>();
        List<String> failed = PartialBatch.failedIds(List.of("a", "b", "c"), r -> r, r -> {
            if (r.equals("c")) {
                // c adds nothing until the call of a and b is out: it goes out full, without waiting for c
                PartialBatchTest.await(fullSent);
                results.put(r, RecordBatch.join(echo, r, 2));
                return;
            }
            results.put(r, RecordBatch.join(echo, r, 2));
            fullSent.countDown();
        });

        assertThat(failed).isEmpty();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).containsExactlyInAnyOrder("a", "b");
        assertThat(calls.get(1)).containsExactly("c");
        assertThat(results).containsEntry("a", "sent a").containsEntry("b", "sent b").containsEntry("c", "sent c");
    }

    @Test
    void aWorkerWaitingOutADueTimeDoesNotHoldTheOthersCallAndWhatItAddsAfterwardsGoesInTheNext() {
        CountDownLatch othersSent = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<String> failed = PartialBatch.failedIds(List.of("a", "b", "late"), r -> r, r -> {
            if (r.equals("late")) {
                // it steps aside until the call of a and b is out: without aside, that call would wait for it
                RecordBatch.aside(() -> {
                    PartialBatchTest.await(othersSent);
                    order.add("late woke");
                });
                order.add(RecordBatch.join(echo, r, 10));
                return;
            }
            order.add(RecordBatch.join(echo, r, 10));
            othersSent.countDown();
        });

        assertThat(failed).isEmpty();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).containsExactlyInAnyOrder("a", "b");
        assertThat(calls.get(1)).containsExactly("late");
        assertThat(order).containsSubsequence("late woke", "sent late");
    }

    @Test
    void aJobWhoseActionPutsNoEventOnTheBusDoesNotHoldBackTheEventOfAnotherJobOfTheBatch() {
        // Given a batch of a licence-like job (its action publishes nothing) and a job that publishes, run by one runner
        CountDownLatch published = new CountDownLatch(1);
        dev.lapse.testing.SettableClock clock = new dev.lapse.testing.SettableClock(JobRunnerTest.T0);
        InMemory.Ledger ledger = new InMemory.Ledger(clock, JobRunnerTest.LEASE);
        InMemory.Table table = new InMemory.Table(ledger);
        dev.lapse.action.JobAction publishing = (job, run) -> {
            RecordBatch.join(echo, job.jobId(), 10);
            published.countDown();
            return new dev.lapse.action.JobAction.Result("published", false);
        };
        dev.lapse.action.JobAction quiet = new dev.lapse.action.JobAction() {
            @Override
            public Result run(dev.lapse.job.Job job, Run run) {
                PartialBatchTest.await(published); // held back by this one, the other job's event never would go out
                return new Result("wrote a licence", false);
            }

            @Override
            public boolean publishesEvents() {
                return false;
            }
        };
        JobRunner runner = new JobRunner(table, ledger, type -> type.equals("quiet") ? quiet : publishing, RetryPolicies.defaults(),
                new InMemory.DeadLetters(), new InMemory.Events(), clock, () -> 0.5);
        List<dev.lapse.job.Job> jobs = List.of(job("q", "quiet"), job("p", "loud"));

        // When the batch runs
        List<String> failed = PartialBatch.failedIds(jobs, dev.lapse.job.Job::jobId, job -> runner.run(job, "ttl"));

        // Then both ran, and the publishing job's event went out while the quiet one ran
        assertThat(failed).isEmpty();
        assertThat(calls).containsExactly(List.of("p"));
        assertThat(ledger.stateOf(jobs.get(0))).isEqualTo(dev.lapse.store.ExecutionLedger.State.DONE);
    }

    private static dev.lapse.job.Job job(String jobId, String type) {
        java.time.Instant due = JobRunnerTest.T0.minusSeconds(1);
        return new dev.lapse.job.Job(jobId, type, "{}", due, due.toString(), "occ-" + jobId, 1, java.util.Optional.empty(), List.of(),
                due.minusSeconds(60), "t");
    }

    @Test
    void outsideABatchAsideJustRunsThePause() {
        List<String> ran = new ArrayList<>();
        RecordBatch.aside(() -> ran.add("paused"));
        assertThat(ran).containsExactly("paused");
        assertThat(RecordBatch.aside(() -> "its result")).isEqualTo("its result");
        assertThat(RecordBatch.join(echo, "x", 10)).isEqualTo("sent x");
    }

    @Test
    void entriesWaitForEachOtherUntilEveryWorkerWaitsOrHasFinished() {
        List<String> records = List.of("a", "b", "c", "d", "e");
        List<String> failed = PartialBatch.failedIds(records, r -> r, r -> RecordBatch.join(echo, r, 10));

        assertThat(failed).isEmpty();
        assertThat(calls).as("one call for the five, none of them full").singleElement()
                .satisfies(call -> assertThat(call).containsExactlyInAnyOrderElementsOf(records));
    }

    @Test
    void anEntryWithoutAResultOfItsOwnGetsNoneAndACallThatFailsFailsEveryEntryInIt() {
        RecordBatch.Call<String, String> short1 = entries -> List.of("only the first");
        Map<String, String> results = new ConcurrentHashMap<>();
        assertThat(PartialBatch.failedIds(List.of("a", "b"), r -> r, r -> results.put(r, String.valueOf(RecordBatch.join(short1, r, 10)))))
                .isEmpty();
        assertThat(results.values()).containsExactlyInAnyOrder("only the first", "null");

        RecordBatch.Call<String, String> down = entries -> {
            throw new IllegalStateException("EventBridge unavailable");
        };
        List<RuntimeException> thrown = Collections.synchronizedList(new ArrayList<>());
        assertThat(PartialBatch.failedIds(List.of("a", "b", "c"), r -> r, r -> {
            try {
                RecordBatch.join(down, r, 10);
            } catch (RuntimeException e) {
                thrown.add(e);
                throw e;
            }
        })).containsExactly("a", "b", "c");
        assertThat(thrown).as("the call's own failure, to each").hasSize(3)
                .allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("EventBridge unavailable").hasNoCause());
    }

    @Test
    void aWorkerInterruptedWhileItWaitsStillGetsItsResultAndKeepsTheInterrupt() {
        CountDownLatch aWaits = new CountDownLatch(1);
        Map<String, Boolean> interrupted = new ConcurrentHashMap<>();
        Map<String, String> results = new ConcurrentHashMap<>();
        Thread[] aThread = new Thread[1];
        List<String> failed = PartialBatch.failedIds(List.of("a", "b"), r -> r, r -> {
            if (r.equals("a")) {
                aThread[0] = Thread.currentThread();
                aWaits.countDown();
                results.put(r, RecordBatch.join(echo, r, 10)); // waits for b, which may still add
                interrupted.put(r, Thread.interrupted());
            } else {
                PartialBatchTest.await(aWaits);
                PartialBatchTest.sleep(50);
                aThread[0].interrupt();
                PartialBatchTest.sleep(50);
                results.put(r, RecordBatch.join(echo, r, 10));
            }
        });
        assertThat(failed).isEmpty();
        assertThat(results).containsEntry("a", "sent a").containsEntry("b", "sent b");
        assertThat(interrupted).containsEntry("a", true);
        assertThat(calls).singleElement().satisfies(call -> assertThat(call).containsExactlyInAnyOrder("a", "b"));
    }
}
