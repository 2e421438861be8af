package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.Priming;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.RequestError;
import dev.lapse.json.Json;
import dev.lapse.run.Replayer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Puts dead-lettered jobs back on schedule. Invoke directly:
 * {@code {"source": "dead-letters"}} replays all, {@code {"source": "dead-letters", "jobId": "..."}} one,
 * {@code {"source": "stream-failures"}} the jobs of stream batches that exhausted their retries.
 */
public final class ReplayDeadLettersHandler implements RequestStreamHandler {
    private final Replayer replayer;

    public ReplayDeadLettersHandler() {
        this(Lapse.fromEnvironment());
    }

    public ReplayDeadLettersHandler(Lapse lapse) {
        this.replayer = lapse.replayer();
        lapse.primeOnInit(this::prime);
    }

    /** Replays the sample job from the dead-letter queue; see {@link dev.lapse.Priming}. */
    private void prime() {
        var request = Json.object().put("source", "dead-letters").put("jobId", Priming.SAMPLE_JOB_ID).put("max", 1);
        try {
            handleRequest(new ByteArrayInputStream(Json.write(request).getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var answer = Json.object();
        try {
            answer = replayer.replay(Json.MAPPER.readTree(input));
            answer.put("ok", true);
        } catch (InvalidRequestException e) {
            answer = RequestError.invalid(e).answer();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            answer = RequestError.unreadable("not valid JSON: " + e.getOriginalMessage()).answer();
        }
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }
}
