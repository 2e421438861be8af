package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A direct invocation of the replay function that is refused is answered with the error, naming the field; nothing is called. */
class ReplayerAnswerTest {
    // clients that throw on any call: a refused request must reach neither
    private final Replayer replayer = new Replayer(new SqsClient() {
        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }, Optional.empty(), new JobStore(new DynamoDbClient() {
        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }, "jobs"), Optional.empty(), Optional.empty(), Clock.systemUTC(), "dlq", Optional.empty(), Optional.empty(), true);

    private String answer(String request) {
        return replayer.answer(request.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void notJsonIsAnsweredAsUnreadable() {
        assertThat(answer("{\"source\":")).contains("\"ok\":false", "\"code\":\"INVALID_REQUEST\"", "\"field\":\"(request)\"", "not valid JSON");
    }

    @Test
    void aBadFieldIsNamedWithWhatIsAccepted() {
        assertThat(answer("{\"source\":\"dead-letters\",\"max\":0}")).contains("\"ok\":false", "\"field\":\"max\"", "1 to 10000");
        assertThat(answer("{\"source\":\"elsewhere\"}")).contains("\"field\":\"source\"", "dead-letters, stream-failures or due-jobs-redrive");
        assertThat(answer("[1]")).contains("\"field\":\"(request)\"", "is not a JSON object");
    }
}
