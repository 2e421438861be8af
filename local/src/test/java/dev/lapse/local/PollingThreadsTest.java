package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollingThreadsTest {
    @Test
    void closingStopsALoopThatChecksTheFlagAndOneAsleepAndWaitsForBoth() throws Exception {
        PollingThreads pollers = new PollingThreads(Duration.ofSeconds(5));
        AtomicInteger turns = new AtomicInteger();
        CountDownLatch bothRunning = new CountDownLatch(2);
        Thread spinning = new Thread(() -> {
            while (pollers.running()) {
                if (turns.incrementAndGet() == 1) {
                    bothRunning.countDown(); // running once it has looped once: close cannot come before its first turn
                }
                Thread.onSpinWait();
            }
        });
        Thread sleeping = new Thread(() -> {
            bothRunning.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // woken by close
            }
        });
        pollers.start(spinning);
        pollers.start(sleeping);
        assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(pollers.running()).isTrue();

        long t0 = System.nanoTime();
        pollers.close();

        assertThat(pollers.running()).isFalse();
        assertThat(spinning.isAlive()).as("the loop ended when the flag went down").isFalse();
        assertThat(sleeping.isAlive()).as("the sleeper was interrupted, and waited for").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("not the sleeper's minute").isLessThan(Duration.ofSeconds(5));
        assertThat(turns.get()).isPositive();
    }

    @Test
    void closeWaitsNoLongerThanItsTimeForAThreadThatWillNotStop() throws Exception {
        PollingThreads pollers = new PollingThreads(Duration.ofMillis(200));
        CountDownLatch started = new CountDownLatch(1);
        Thread stubborn = new Thread(() -> {
            started.countDown();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // ignores the flag and the interrupt
            }
        });
        stubborn.setDaemon(true);
        pollers.start(stubborn);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        long t0 = System.nanoTime();
        pollers.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(190)).isLessThan(Duration.ofSeconds(2));
        assertThat(stubborn.isAlive()).isTrue();
        assertThat(stubborn.isInterrupted()).as("it was interrupted all the same").isTrue();
    }
}
