package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.json.Json;
import dev.lapse.observe.LogFields;
import dev.lapse.run.Replayer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Puts dead-lettered jobs back on schedule. Invoke directly:
 * {@code {"source": "dead-letters"}} replays all, {@code {"source": "dead-letters", "jobId": "..."}} one,
 * {@code {"source": "stream-failures"}} the jobs of stream batches that exhausted their retries,
 * {@code {"source": "due-jobs-redrive"}} the jobs of due-jobs messages SQS gave up on.
 */
public final class ReplayDeadLettersHandler implements RequestStreamHandler {
    private final Replayer replayer;

    public ReplayDeadLettersHandler() {
        this(Lapse.fromEnvironment(http -> DynamoDbStreamsClient.builder().httpClient(http).build()));
    }

    public ReplayDeadLettersHandler(Lapse lapse) {
        this.replayer = lapse.replayer();
        lapse.primeOnInit(PrimingSample.REPLAY_DEAD_LETTERS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            output.write(Json.write(replayer.answer(input.readAllBytes())).getBytes(StandardCharsets.UTF_8));
        }
    }
}
