package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.store.JobStore;
import dev.lapse.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A direct invocation of the replay function: a refused request is answered with the error naming the
 * field (nothing is called); a replay of one job ends once it is back, without polling the queue again.
 */
class ReplayerAnswerTest {
    private final SettableClock clock = new SettableClock(ReplayerTest.NOW);
    private final ReplayerTest.Queues queue = new ReplayerTest.Queues(clock);
    private final ReplayerTest.Table table = new ReplayerTest.Table();
    private final Replayer replayer = new Replayer(queue, Optional.empty(), new JobStore(table, "jobs"), Optional.empty(), Optional.empty(),
            clock, "dlq", Optional.empty(), Optional.empty(), true);

    private String answer(String request) {
        return replayer.answer(request.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void deadLetter(String jobId) {
        Instant now = clock.instant().minusSeconds(5);
        new DeadLetters(queue, "dlq").send(new Job(jobId, "report", "{}", now, now.toString(), "o-" + jobId, 3, Optional.empty(),
                List.of(new Job.AttemptError(3, now, "boom")), now.minusSeconds(60), "test"), "retries exhausted", now);
        clock.tick(java.time.Duration.ofSeconds(1)); // the replay starts after it was sent
    }

    @Test
    void notJsonIsAnsweredAsUnreadable() {
        assertThat(answer("{\"source\":")).contains("\"ok\":false", "\"code\":\"INVALID_REQUEST\"", "\"field\":\"(request)\"", "not valid JSON");
        assertThat(queue.calls).isEmpty();
    }

    @Test
    void aBadFieldIsNamedWithWhatIsAccepted() {
        assertThat(answer("{\"source\":\"dead-letters\",\"max\":0}")).contains("\"ok\":false", "\"field\":\"max\"", "1 to 10000");
        assertThat(answer("{\"source\":\"elsewhere\"}")).contains("\"field\":\"source\"", "dead-letters, stream-failures or due-jobs-redrive");
        assertThat(answer("[1]")).contains("\"field\":\"(request)\"", "is not a JSON object");
        assertThat(queue.calls).isEmpty();
        assertThat(table.written).isEmpty();
    }

    @Test
    void maxIsAcceptedFromOneToTenThousand() {
        assertThat(answer("{\"source\":\"dead-letters\",\"max\":1}")).contains("\"ok\":true");
        assertThat(answer("{\"source\":\"dead-letters\",\"max\":10000}")).contains("\"ok\":true");
        assertThat(answer("{\"source\":\"dead-letters\",\"max\":10001}")).contains("\"ok\":false", "\"field\":\"max\"", "is 10001");
    }

    @Test
    void aReplayOfOneJobEndsOnceItIsBackWithoutPollingAgain() {
        deadLetter("invoice-1");

        assertThat(answer("{\"source\":\"dead-letters\",\"jobId\":\"invoice-1\"}")).contains("\"ok\":true", "\"replayed\":[\"invoice-1\"]");
        assertThat(table.written).containsOnlyKeys("invoice-1");
        assertThat(queue.calls).containsExactly("receive", "delete");
    }

    @Test
    void aReplayOfAllPollsUntilTheQueueHasNothingLeftFromBefore() {
        deadLetter("invoice-1");

        assertThat(answer("{\"source\":\"dead-letters\"}")).contains("\"ok\":true", "\"replayed\":[\"invoice-1\"]");
        assertThat(queue.calls).containsExactly("receive", "delete", "receive");
    }
}
