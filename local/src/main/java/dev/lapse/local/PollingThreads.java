package dev.lapse.local;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads that loop while {@link #running()}: the local runtime's pollers, sweepers and schedules. Closing stops them
 * all: the flag goes down, each thread is interrupted (out of its sleep or poll), then each is waited for, up to the
 * given time, so that a closed runtime leaves no loop behind that still calls its stores.
 */
public final class PollingThreads implements AutoCloseable {
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Duration waitForEach;

    /** @param waitForEach how long {@link #close()} waits for each thread to end */
    public PollingThreads(Duration waitForEach) {
        this.waitForEach = waitForEach;
    }

    /** Whether the loops should go on: false once {@link #close()} has begun. */
    public boolean running() {
        return running.get();
    }

    /** Starts {@code thread}, and stops it on {@link #close()}. */
    public void start(Thread thread) {
        threads.add(thread);
        thread.start();
    }

    @Override
    public void close() {
        running.set(false);
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(waitForEach.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
