package dev.lapse.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The bench's load: calls made from {@code lapse.bench.threads} threads at once (4 by default). */
final class Parallel {
    static final int THREADS = Integer.getInteger("lapse.bench.threads", 4);

    private Parallel() {
    }

    /** One call of the load, numbered. */
    interface Op {
        void run(int i) throws Exception;
    }

    /** Runs {@code op(0..n-1)} on {@link #THREADS} threads; returns the elapsed nanoseconds. The first failure is rethrown. */
    static long run(int n, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            long t0 = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                        try {
                            op.run(i);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            long elapsed = System.nanoTime() - t0;
            if (failure.get() != null) {
                throw new IllegalStateException("bench operation failed: " + failure.get(), failure.get());
            }
            return elapsed;
        } finally {
            pool.shutdownNow();
        }
    }

    static double perSecond(int count, long nanos) {
        return count / (nanos / 1e9);
    }
}
