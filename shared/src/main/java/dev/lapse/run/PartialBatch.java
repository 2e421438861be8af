package dev.lapse.run;

import dev.lapse.observe.LogFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-record loop of a queue or stream handler: the records of a batch run concurrently (at most
 * {@link #CONCURRENCY} at once), those of the same job one after the other in batch order, and the ids of
 * those that threw are returned in batch order for the partial-batch response (the trigger delivers only
 * those again; a stream retries from the first one, the lowest sequence number).
 */
public final class PartialBatch {
    private static final Logger LOG = LoggerFactory.getLogger(PartialBatch.class);
    /**
     * Records run at once per batch. Each record waits on the network (three DynamoDB calls and a PutEvents
     * entry, milliseconds each, microseconds of CPU), so ten keep a full SQS batch (10 messages) in flight
     * at once and fill one PutEvents call (10 entries) per wave on a fraction of a vCPU; a stream batch of
     * 100 runs in ten waves.
     */
    public static final int CONCURRENCY = 10;
    /** Workers are reused between invocations of a warm container (daemon threads, ended after 60 s idle). */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lapse-batch");
        t.setDaemon(true);
        return t;
    });

    private PartialBatch() {
    }

    /** Each record handled on its own, concurrently: the ids of those that threw, in batch order. */
    public static <R> List<String> failedIds(List<R> records, Function<R, String> id, Consumer<R> handle) {
        return failedIds(records, id, id, handle);
    }

    /**
     * Handles the records concurrently, those with the same {@code job} key (the job they concern) in batch
     * order on one worker, so that two deliveries of one occurrence never race each other; returns the ids of
     * those that threw, in batch order.
     */
    public static <R> List<String> failedIds(List<R> records, Function<R, String> id, Function<R, ?> job, Consumer<R> handle) {
        Map<String, List<Integer>> byJob = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byJob.computeIfAbsent(String.valueOf(job.apply(records.get(i))), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>(byJob.values());
        boolean[] failed = new boolean[records.size()];
        int workers = Math.min(CONCURRENCY, groups.size());
        RecordBatch batch = new RecordBatch(workers);
        AtomicInteger next = new AtomicInteger();
        // every record starts with the invocation's log fields (its request id), whichever worker runs it; the
        // runner adds those of the job, and takes them off when it ends
        Map<String, String> invocation = LogFields.current();
        boolean priming = PrimingThreads.active(); // a worker of a priming thread primes too: none of its calls leaves the process
        Runnable work = () -> {
            int g;
            while ((g = next.getAndIncrement()) < groups.size()) {
                for (int i : groups.get(g)) {
                    LogFields.adopt(invocation);
                    failed[i] = !handled(() -> handle.accept(records.get(i)), () -> id.apply(records.get(i)));
                }
            }
            LogFields.adopt(invocation);
        };
        List<Future<?>> running = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            running.add(WORKERS.submit(() -> {
                PrimingThreads.set(priming);
                try {
                    batch.work(work);
                } finally {
                    LogFields.adopt(Map.of()); // a pooled worker keeps nothing of this invocation
                    PrimingThreads.set(false);
                }
            }));
        }
        if (workers > 0) {
            batch.work(work); // the invoking thread is a worker too
        }
        for (Future<?> f : running) {
            await(f);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (failed[i]) {
                ids.add(id.apply(records.get(i)));
            }
        }
        return ids;
    }

    /** Runs one record in its batch; false if it threw (logged). */
    private static boolean handled(Runnable record, Supplier<String> id) {
        try {
            record.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("record {} failed and will be delivered again: {}", id.get(), e.toString());
            return false;
        }
    }

    private static void await(Future<?> f) {
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a batch worker failed", e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
