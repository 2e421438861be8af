package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollerScalingTest {
    @Test
    void oneReceivesWhileIdleAReceiveWithMessagesLetsOneMoreGoAFullBatchLetsAllGoAndAnEmptyOneSendsOneBack() {
        PollerScaling scaling = new PollerScaling(8, 10);
        assertThat(scaling.receiving()).isEqualTo(1);
        scaling.received(0);
        assertThat(scaling.receiving()).as("never fewer than one").isEqualTo(1);
        scaling.received(3);
        assertThat(scaling.receiving()).isEqualTo(2);
        scaling.received(9);
        assertThat(scaling.receiving()).as("a batch short of full lets one more go").isEqualTo(3);
        scaling.received(10);
        assertThat(scaling.receiving()).as("a full batch: backlog, all go").isEqualTo(8);
        scaling.received(1);
        assertThat(scaling.receiving()).as("never more than the pollers").isEqualTo(8);
        scaling.received(0);
        scaling.received(0);
        assertThat(scaling.receiving()).isEqualTo(6);
        for (int i = 0; i < 10; i++) {
            scaling.received(0);
        }
        assertThat(scaling.receiving()).isEqualTo(1);
    }

    @Test
    void aPollerBeyondTheCountWaitsUntilAReceiveLetsItGoAndTheFirstNeverWaits() throws Exception {
        PollerScaling scaling = new PollerScaling(3, 10);
        assertThat(scaling.awaitTurn(0)).isTrue();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean went = new AtomicBoolean();
        Thread second = new Thread(() -> {
            waiting.countDown();
            went.set(scaling.awaitTurn(1));
        });
        second.start();
        assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
        second.join(200);
        assertThat(second.isAlive()).as("poller 1 waits while one receives").isTrue();

        scaling.received(0);
        second.join(200);
        assertThat(second.isAlive()).as("an empty receive lets none go").isTrue();

        scaling.received(2);
        second.join(5000);
        assertThat(second.isAlive()).isFalse();
        assertThat(went).isTrue();
    }

    @Test
    void aTurnReceivesRecordsWhatCameAndPausesOnlyAfterAnEmptyReceive() throws Exception {
        PollerScaling scaling = new PollerScaling(4, 10);
        Duration idle = Duration.ofMillis(100);
        AtomicInteger receives = new AtomicInteger();
        assertThat(scaling.turn(0, () -> {
            receives.incrementAndGet();
            return 0;
        }, idle)).isEqualTo(idle);
        assertThat(scaling.turn(0, () -> {
            receives.incrementAndGet();
            return 10;
        }, idle)).isEqualTo(Duration.ZERO);
        assertThat(scaling.receiving()).as("the full batch recorded").isEqualTo(4);
        assertThat(scaling.turn(3, () -> {
            receives.incrementAndGet();
            return 4;
        }, idle)).as("the last poller's turn, no longer waiting").isEqualTo(Duration.ZERO);
        assertThat(receives).hasValue(3);

        scaling.turn(1, () -> 0, idle);
        scaling.turn(2, () -> 0, idle);
        scaling.turn(0, () -> 0, idle);
        assertThat(scaling.receiving()).isEqualTo(1);
        AtomicInteger last = new AtomicInteger(-1);
        Thread waiting = new Thread(() -> last.set((int) scaling.turn(3, () -> {
            receives.incrementAndGet();
            return 0;
        }, idle).toMillis()));
        waiting.start();
        waiting.join(200);
        assertThat(waiting.isAlive()).as("poller 3 waits for its turn").isTrue();
        waiting.interrupt();
        waiting.join(5000);
        assertThat(last).as("interrupted while waiting: no pause, the loop sees the runtime closing").hasValue(0);
        assertThat(receives).as("and no receive").hasValue(3);
    }

    @Test
    void aWaitingPollerInterruptedReturnsFalseWithItsInterruptFlagSet() throws Exception {
        PollerScaling scaling = new PollerScaling(2, 10);
        AtomicBoolean answer = new AtomicBoolean(true);
        AtomicBoolean flag = new AtomicBoolean();
        Thread waiting = new Thread(() -> {
            answer.set(scaling.awaitTurn(1));
            flag.set(Thread.currentThread().isInterrupted());
        });
        waiting.start();
        waiting.join(200);
        assertThat(waiting.isAlive()).isTrue();
        waiting.interrupt();
        waiting.join(5000);
        assertThat(waiting.isAlive()).isFalse();
        assertThat(answer).isFalse();
        assertThat(flag).isTrue();
    }

    @Test
    void refusesNoPollersOrAnEmptyBatch() {
        assertThatThrownBy(() -> new PollerScaling(0, 10)).hasMessageContaining("0 and 10");
        assertThatThrownBy(() -> new PollerScaling(2, 0)).hasMessageContaining("2 and 0");
    }
}
