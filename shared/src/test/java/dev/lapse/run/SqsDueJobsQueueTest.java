package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** The due-jobs queue's SQS adapter: what it sends, with which delay, and what it reports as accepted. */
class SqsDueJobsQueueTest {
    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    static final String URL = "https://sqs.us-east-1.amazonaws.com/000000000000/lapse-due-jobs";

    final SettableClock clock = new SettableClock(T0);
    final List<SendMessageRequest> sent = new ArrayList<>();
    final List<SendMessageBatchRequest> batches = new ArrayList<>();
    /** Entry ids SQS refuses in a batch. */
    final List<String> refused = new ArrayList<>();
    final SqsClient sqs = new SqsClient() {
        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            sent.add(request);
            return SendMessageResponse.builder().messageId("m-" + sent.size()).build();
        }

        @Override
        public SendMessageResponse sendMessage(Consumer<SendMessageRequest.Builder> request) {
            return sendMessage(SendMessageRequest.builder().applyMutation(request).build());
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(Consumer<SendMessageBatchRequest.Builder> request) {
            SendMessageBatchRequest r = SendMessageBatchRequest.builder().applyMutation(request).build();
            batches.add(r);
            List<SendMessageBatchResultEntry> ok = new ArrayList<>();
            List<BatchResultErrorEntry> failed = new ArrayList<>();
            for (SendMessageBatchRequestEntry e : r.entries()) {
                if (refused.contains(e.id())) {
                    failed.add(BatchResultErrorEntry.builder().id(e.id()).code("InternalError").senderFault(false).build());
                } else {
                    ok.add(SendMessageBatchResultEntry.builder().id(e.id()).messageId("m-" + e.id()).build());
                }
            }
            return SendMessageBatchResponse.builder().successful(ok).failed(failed).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    };
    final SqsDueJobsQueue queue = new SqsDueJobsQueue(sqs, URL, Duration.ofSeconds(120), clock);

    static Job job(String id, Instant due) {
        return new Job(id, "report.daily", "{}", due, due.toString(), "occ-" + id, 1, Optional.empty(), List.of(), T0, "t");
    }

    @Test
    void aJobDueWithinTheHorizonIsSentToArriveAtMostTheEarlyAllowanceBeforeItsDueTime() {
        assertThat(queue.offer(job("a", T0.plusMillis(10_250)))).isTrue();
        assertThat(queue.offer(job("b", T0.plusMillis(10_251)))).isTrue();

        assertThat(sent).extracting(SendMessageRequest::delaySeconds).containsExactly(10, 11);
        assertThat(sent.get(0).queueUrl()).isEqualTo(URL);
        assertThat(DueJobsQueue.Message.parse(sent.get(0).messageBody())).isEqualTo(new DueJobsQueue.Message("a", "occ-a", T0.plusMillis(10_250)));
    }

    @Test
    void aJobBeyondTheHorizonIsNotSentAndOneAtItIs() {
        assertThat(queue.offer(job("edge", T0.plusSeconds(120).plus(DueJobMessages.EARLY_WAIT)))).isTrue();
        assertThat(queue.offer(job("beyond", T0.plusSeconds(120).plus(DueJobMessages.EARLY_WAIT).plusMillis(1)))).isFalse();
        assertThat(sent).extracting(SendMessageRequest::delaySeconds).containsExactly(120);
    }

    @Test
    void aMessageSentAgainKeepsItsBodyAndTakesTheRestOfItsDelayWithinTheHorizonOnly() {
        DueJobsQueue.Message early = new DueJobsQueue.Message("early", "occ-early", T0.plusSeconds(40).plus(DueJobMessages.EARLY_WAIT));
        DueJobsQueue.Message beyond = new DueJobsQueue.Message("beyond", "occ-beyond", T0.plusSeconds(121).plus(DueJobMessages.EARLY_WAIT));

        assertThat(queue.resend(early)).isTrue();
        assertThat(queue.resend(beyond)).as("beyond the horizon: not sent, the caller keeps the job").isFalse();

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).delaySeconds()).isEqualTo(40);
        assertThat(DueJobsQueue.Message.parse(sent.get(0).messageBody())).isEqualTo(early);
    }

    @Test
    void aJobAlreadyDueOrDueWithinTheAllowanceGoesWithoutDelay() {
        queue.offer(job("late", T0.minusSeconds(30)));
        queue.offer(job("now", T0));
        queue.resend(new DueJobsQueue.Message("soon", "occ-soon", T0.plus(DueJobMessages.EARLY_WAIT)));
        assertThat(sent).extracting(SendMessageRequest::delaySeconds).containsExactly(0, 0, 0);
    }

    @Test
    void aBatchSendsEachMessageWithItsOwnDelayCappedAtFifteenMinutesAndAnswersWhatSqsAccepted() {
        List<DueJobsQueue.Message> batch = List.of(
                new DueJobsQueue.Message("a", "oa", T0.plusSeconds(5)),
                new DueJobsQueue.Message("b", "ob", T0.plusSeconds(2_000)),
                new DueJobsQueue.Message("c", "oc", T0.minusSeconds(1)));
        refused.add("1");

        List<DueJobsQueue.Message> accepted = queue.send(batch);

        assertThat(accepted).containsExactly(batch.get(0), batch.get(2));
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).queueUrl()).isEqualTo(URL);
        assertThat(batches.get(0).entries()).extracting(SendMessageBatchRequestEntry::id).containsExactly("0", "1", "2");
        assertThat(batches.get(0).entries()).extracting(SendMessageBatchRequestEntry::delaySeconds).containsExactly(5, 900, 0);
        assertThat(queue.send(List.of())).as("nothing to send: no call").isEmpty();
        assertThat(batches).hasSize(1);
    }

    @Test
    void delaysAreWholeSecondsRoundedUpAfterTheAllowance() {
        assertThat(SqsDueJobsQueue.delaySeconds(T0.plusMillis(1_250), T0)).isEqualTo(1);
        assertThat(SqsDueJobsQueue.delaySeconds(T0.plusMillis(1_251), T0)).isEqualTo(2);
        assertThat(SqsDueJobsQueue.delaySeconds(T0.plusMillis(251), T0)).isEqualTo(1);
        assertThat(SqsDueJobsQueue.delaySeconds(T0.plusMillis(250), T0)).isZero();
        assertThat(SqsDueJobsQueue.delaySeconds(T0.plus(Duration.ofDays(365 * 100)), T0)).isEqualTo(Integer.MAX_VALUE);
    }

    /** When a message sent at {@code sent} for {@code due} becomes visible: its delay is whole seconds. */
    static Instant arrival(Instant due, Instant sent) {
        return sent.plusSeconds(SqsDueJobsQueue.delaySeconds(due, sent));
    }

    @Test
    void sentAtTheInstantItAnswersAMessageArrivesTheLeadBeforeItsDueTimeWhereverInTheSecondThatFalls() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            Instant earliest = T0.plusMillis(random.nextInt(60_000));
            Instant due = earliest.plusMillis(SqsDueJobsQueue.SWEEP_LEAD.toMillis() + 1 + random.nextInt(900_000));

            Instant at = queue.sendAt(due, earliest);

            assertThat(at).isBetween(earliest, earliest.plusMillis(999));
            assertThat(arrival(due, at)).as("due %s, sent %s", due, at).isEqualTo(due.minus(SqsDueJobsQueue.SWEEP_LEAD));
            // early by no more than the handler waits for (more and it would send the message again)
            assertThat(Duration.between(arrival(due, at), due)).isPositive().isLessThanOrEqualTo(DueJobMessages.EARLY_WAIT);
            // sent up to the lead later (a slow call) it still arrives before its due time, never later
            assertThat(arrival(due, at.plusMillis(49))).isBefore(due);
        }
    }

    @Test
    void aJobDueWithinTheLeadIsSentAtOnce() {
        assertThat(queue.sendAt(T0.plus(SqsDueJobsQueue.SWEEP_LEAD), T0)).isEqualTo(T0);
        assertThat(queue.sendAt(T0.minusSeconds(30), T0)).isEqualTo(T0);
        assertThat(queue.sendAt(T0.plus(SqsDueJobsQueue.SWEEP_LEAD).plusMillis(1), T0)).isEqualTo(T0.plusMillis(1));
        assertThat(queue.sendAt(T0.plusMillis(1_000 + 50), T0)).isEqualTo(T0);
    }
}
