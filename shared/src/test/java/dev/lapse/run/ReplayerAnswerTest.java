package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * A direct invocation of the replay function: a refused request is answered with the error naming the
 * field (nothing is called); a replay of one job ends once it is back, without polling the queue again.
 */
class ReplayerAnswerTest {
    /** A dead-letter queue in memory: what was sent is received once, then deleted or released. */
    private static final class Queue implements SqsClient {
        final List<Message> messages = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            messages.add(Message.builder().messageId("m" + messages.size()).receiptHandle("r" + messages.size())
                    .body(request.messageBody()).build());
            return SendMessageResponse.builder().build();
        }

        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
            calls.add("receive");
            List<Message> all = List.copyOf(messages);
            messages.clear();
            return ReceiveMessageResponse.builder().messages(all).build();
        }

        @Override
        public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
            calls.add("delete");
            return DeleteMessageResponse.builder().build();
        }

        @Override
        public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
            calls.add("release");
            return ChangeMessageVisibilityResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    /** A Jobs table that takes every put (the job is not pending). */
    private static final class Table implements DynamoDbClient {
        final List<String> put = new ArrayList<>();

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            put.add(request.item().get("jobId").s());
            return PutItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private final Queue queue = new Queue();
    private final Table table = new Table();
    private final Replayer replayer = new Replayer(queue, Optional.empty(), new JobStore(table, "jobs"), Optional.empty(), Optional.empty(),
            Clock.systemUTC(), "dlq", Optional.empty(), Optional.empty(), true);

    private String answer(String request) {
        return replayer.answer(request.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void deadLetter(String jobId) {
        Instant now = Instant.now().minusSeconds(5);
        new DeadLetters(queue, "dlq").send(new Job(jobId, "report", "{}", now, now.toString(), "o-" + jobId, 3, Optional.empty(),
                List.of(new Job.AttemptError(3, now, "boom")), now.minusSeconds(60), "test"), "retries exhausted", now);
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
        assertThat(table.put).isEmpty();
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
        assertThat(table.put).containsExactly("invoice-1");
        assertThat(queue.calls).containsExactly("receive", "delete");
    }

    @Test
    void aReplayOfAllPollsUntilTheQueueHasNothingLeftFromBefore() {
        deadLetter("invoice-1");

        assertThat(answer("{\"source\":\"dead-letters\"}")).contains("\"ok\":true", "\"replayed\":[\"invoice-1\"]");
        assertThat(queue.calls).containsExactly("receive", "delete", "receive");
    }
}
