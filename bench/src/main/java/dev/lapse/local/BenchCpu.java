package dev.lapse.local;

import dev.lapse.run.Waiter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The bench JVM's own CPU use: it hosts the local runtime (DynamoDB Local, ElasticMQ, the pollers) that a cold-start
 * child calls, and its JIT compilers keep compiling for a minute or more after it starts. On a machine of two cores that
 * work competes with the child, which in Lambda has its environment's CPU to itself.
 */
final class BenchCpu {
    private final LongSupplier cpuNanos;
    private final LongSupplier wallNanos;

    BenchCpu(LongSupplier cpuNanos, LongSupplier wallNanos) {
        this.cpuNanos = cpuNanos;
        this.wallNanos = wallNanos;
    }

    /** This JVM's: its process CPU time and the monotonic clock. */
    static BenchCpu ofThisJvm() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new BenchCpu(os::getProcessCpuTime, System::nanoTime);
    }

    /** What the JVM used since this span began, in cores (1.0: one core busy throughout). */
    final class Span {
        private final long cpu0 = cpuNanos.getAsLong();
        private final long wall0 = wallNanos.getAsLong();

        double share() {
            long wall = wallNanos.getAsLong() - wall0;
            return wall <= 0 ? 0 : (double) (cpuNanos.getAsLong() - cpu0) / wall;
        }

        Duration elapsed() {
            return Duration.ofNanos(wallNanos.getAsLong() - wall0);
        }
    }

    Span span() {
        return new Span();
    }

    /** What {@link #settle} saw: the share of the last window, and how long it waited. */
    record Settled(double lastShare, Duration waited, boolean quiet) {
    }

    /**
     * Waits, a {@code window} at a time, until this JVM used at most {@code quiet} of one core over two windows in a
     * row, or {@code most} has passed.
     */
    Settled settle(double quiet, Duration window, Duration most, Waiter waiter) {
        Span all = span();
        int quietWindows = 0;
        double last = Double.NaN;
        while (quietWindows < 2 && all.elapsed().compareTo(most) < 0) {
            Span one = span();
            waiter.waitFor(window);
            last = one.share();
            quietWindows = last <= quiet ? quietWindows + 1 : 0;
        }
        return new Settled(last, all.elapsed(), quietWindows >= 2);
    }
}
