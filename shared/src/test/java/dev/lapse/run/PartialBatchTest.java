package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.observe.LogFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PartialBatchTest {
    @Test
    void theWorkersOfAPrimingThreadPrimeTooAndForgetItAfterwards() {
        List<String> records = java.util.stream.IntStream.range(0, 3 * PartialBatch.CONCURRENCY).mapToObj(i -> "r" + i).toList();
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Boolean> priming = Collections.synchronizedList(new ArrayList<>());
        PrimingThreads.set(true);
        try {
            PartialBatch.failedIds(records, r -> r, r -> {
                threads.add(Thread.currentThread());
                priming.add(PrimingThreads.active());
                sleep(5);
            });
        } finally {
            PrimingThreads.set(false);
        }
        assertThat(threads).as("the batch ran on several threads").hasSizeGreaterThan(1);
        assertThat(priming).hasSize(records.size()).containsOnly(true);

        List<Boolean> later = Collections.synchronizedList(new ArrayList<>());
        PartialBatch.failedIds(records, r -> r, r -> {
            later.add(PrimingThreads.active());
            sleep(5);
        });
        assertThat(later).as("the pooled workers, used again outside priming").hasSize(records.size()).containsOnly(false);
    }

    @Test
    void everyRecordStartsWithTheInvocationsLogFieldsAndTheInvokingThreadEndsWithThem() {
        List<String> records = java.util.stream.IntStream.range(0, 3 * PartialBatch.CONCURRENCY).mapToObj(i -> "r" + i).toList();
        List<Map<String, String>> seen = Collections.synchronizedList(new ArrayList<>());
        try (var request = LogFields.forRequest("req-1")) {
            Map<String, String> invocation = LogFields.current();
            PartialBatch.failedIds(records, r -> r, r -> {
                seen.add(LogFields.current());
                LogFields.adopt(Map.of("jobId", r)); // a record's own fields, left behind
                sleep(2);
            });
            assertThat(seen).hasSize(records.size()).containsOnly(invocation);
            assertThat(LogFields.current()).as("the invoking thread, after the batch").isEqualTo(invocation);
        }
    }

    @Test
    void everyRecordIsHandledAndOnlyThoseThatThrewAreReturned() {
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        List<String> failed = PartialBatch.failedIds(List.of("a", "b", "c"), r -> "id-" + r, r -> {
            handled.add(r);
            if (r.equals("b")) {
                throw new IllegalStateException("no");
            }
        });
        assertThat(handled).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(failed).containsExactly("id-b");
    }

    @Test
    void theRecordsOfABatchRunAtOnceUpToTheBound() {
        // Given a batch of as many records as the bound, each waiting until all of them have started
        CountDownLatch allStarted = new CountDownLatch(PartialBatch.CONCURRENCY);
        List<Integer> records = new ArrayList<>();
        for (int i = 0; i < PartialBatch.CONCURRENCY; i++) {
            records.add(i);
        }
        // When they run, Then none fails: run one after the other, the first would wait in vain
        List<String> failed = PartialBatch.failedIds(records, String::valueOf, r -> {
            allStarted.countDown();
            try {
                if (!allStarted.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("record " + r + " ran alone");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(failed).isEmpty();
    }

    @Test
    void noMoreThanTheBoundRunAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> records = new ArrayList<>();
        for (int i = 0; i < 5 * PartialBatch.CONCURRENCY; i++) {
            records.add(i);
        }
        PartialBatch.failedIds(records, String::valueOf, r -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(5);
            running.decrementAndGet();
        });
        assertThat(most.get()).isBetween(2, PartialBatch.CONCURRENCY);
    }

    @Test
    void failuresAreReportedInBatchOrderSoAStreamRetriesFromTheLowestSequenceNumber() {
        // Given records 2 and 4 fail, 4 long before 2
        CountDownLatch fourFailed = new CountDownLatch(1);
        List<String> failed = PartialBatch.failedIds(List.of("1", "2", "3", "4", "5"), r -> "seq-" + r, r -> {
            if (r.equals("4")) {
                fourFailed.countDown();
                throw new IllegalStateException("4 fails first");
            }
            if (r.equals("2")) {
                await(fourFailed);
                throw new IllegalStateException("2 fails last");
            }
        });
        // Then the lowest comes first, whatever the order they failed in
        assertThat(failed).containsExactly("seq-2", "seq-4");
    }

    @Test
    void theRecordsOfOneJobRunOneAfterTheOtherInBatchOrder() {
        record Delivery(String job, int n) {
        }
        List<Delivery> batch = List.of(new Delivery("a", 1), new Delivery("b", 1), new Delivery("a", 2), new Delivery("c", 1),
                new Delivery("a", 3));
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        List<Delivery> ranA = Collections.synchronizedList(new ArrayList<>());
        List<String> failed = PartialBatch.failedIds(batch, d -> d.job() + d.n(), Delivery::job, d -> {
            if (inFlight.computeIfAbsent(d.job(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                throw new IllegalStateException(d + " overlaps another record of its job");
            }
            sleep(20);
            if (d.job().equals("a")) {
                ranA.add(d);
            }
            inFlight.get(d.job()).decrementAndGet();
        });
        assertThat(failed).isEmpty();
        assertThat(ranA).extracting(Delivery::n).containsExactly(1, 2, 3);
    }

    @Test
    void anEmptyBatchHasNoFailures() {
        assertThat(PartialBatch.failedIds(List.<String>of(), r -> r, r -> {
            throw new IllegalStateException("nothing to run");
        })).isEmpty();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited in vain");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
