package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** The clients a function may not use are built on their first call, once, and then answer as themselves. */
class OnFirstCallTest {
    @Test
    void aClientIsBuiltOnItsFirstCallOnlyAndOnce() {
        AtomicInteger built = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        SqsClient sqs = OnFirstCall.proxy(SqsClient.class, () -> {
            built.incrementAndGet();
            return new SqsClient() {
                @Override
                public SendMessageResponse sendMessage(SendMessageRequest request) {
                    if (request.queueUrl().equals("gone")) {
                        throw QueueDoesNotExistException.builder().message("no such queue").build();
                    }
                    return SendMessageResponse.builder().messageId("m" + sent.incrementAndGet()).build();
                }

                @Override
                public String serviceName() {
                    return "sqs";
                }

                @Override
                public void close() {
                }
            };
        });
        assertThat(built).hasValue(0);

        assertThat(sqs.sendMessage(r -> r.queueUrl("q").messageBody("a")).messageId()).isEqualTo("m1");
        assertThat(sqs.sendMessage(r -> r.queueUrl("q").messageBody("b")).messageId()).isEqualTo("m2");
        assertThat(built).hasValue(1);
        assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl("gone"))).as("the client's own exception, not a reflection wrapper")
                .isInstanceOf(QueueDoesNotExistException.class).hasMessageContaining("no such queue");
    }
}
