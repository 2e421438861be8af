package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCpuTest {
    private static final long SECOND = 1_000_000_000L;

    /** A JVM whose CPU use over each slept window is the next of {@code shares} (in cores). */
    private static final class Scripted {
        long wall;
        long cpu;
        final Deque<Double> shares;
        final BenchCpu bench = new BenchCpu(() -> cpu, () -> wall);

        Scripted(List<Double> shares) {
            this.shares = new ArrayDeque<>(shares);
        }

        void sleep(Duration d) {
            double share = shares.isEmpty() ? 0 : shares.pop();
            wall += d.toNanos();
            cpu += Math.round(share * d.toNanos());
        }
    }

    @Test
    void aSpanIsTheCpuTimeOverTheWallTime() {
        Scripted jvm = new Scripted(List.of(0.25, 0.75));
        BenchCpu.Span span = jvm.bench.span();
        jvm.sleep(Duration.ofSeconds(2));
        jvm.sleep(Duration.ofSeconds(2));
        assertThat(span.share()).isCloseTo(0.5, within(1e-9));
        assertThat(span.elapsed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(jvm.bench.span().share()).as("nothing elapsed yet").isZero();
    }

    @Test
    void settlingWaitsForTwoQuietWindowsInARow() {
        Scripted jvm = new Scripted(List.of(0.6, 0.1, 0.4, 0.15, 0.05, 0.9));
        BenchCpu.Settled settled = jvm.bench.settle(0.15, Duration.ofSeconds(1), Duration.ofSeconds(90), jvm::sleep);
        assertThat(settled.quiet()).isTrue();
        assertThat(settled.waited()).as("0.1 alone was not enough; 0.15 (at the limit) then 0.05 were").isEqualTo(Duration.ofSeconds(5));
        assertThat(settled.lastShare()).isCloseTo(0.05, within(1e-9));
        assertThat(jvm.wall).isEqualTo(5 * SECOND);
    }

    @Test
    void settlingGivesUpAfterTheMostItMayWaitAndSaysSo() {
        Scripted jvm = new Scripted(List.of(0.5, 0.5, 0.1, 0.5, 0.5));
        BenchCpu.Settled settled = jvm.bench.settle(0.15, Duration.ofSeconds(1), Duration.ofSeconds(3), jvm::sleep);
        assertThat(settled.quiet()).isFalse();
        assertThat(settled.waited()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settled.lastShare()).isCloseTo(0.1, within(1e-9));
    }
}
