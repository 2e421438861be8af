package dev.lapse.run;

import java.time.Duration;

/** Waits: the calling thread sleeps; a test advances its settable clock instead. */
public interface Waiter {
    void waitFor(Duration duration);

    Waiter SLEEP = d -> {
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    };
}
