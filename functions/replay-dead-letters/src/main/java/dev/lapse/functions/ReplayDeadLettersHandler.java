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
 * Puts failed jobs back on schedule; invoke directly with {@code {"source": "dead-letters" | "stream-failures" |
 * "due-jobs-redrive"}}, optionally a {@code "jobId"} (see {@link dev.lapse.run.Replayer#replay}).
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
