package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.Priming;
import dev.lapse.json.Json;
import dev.lapse.schedule.SchedulingEndpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Schedules, cancels and reschedules jobs. Invoked by EventBridge rules ("Schedule Job", "Cancel Job",
 * "Reschedule Job", "Subscription Cancelled", "Subscription Reactivated") or directly (synchronous
 * Invoke), it answers the stored job or a structured error. Reads the raw stream so that even
 * malformed JSON gets a clear answer instead of a deserialization failure.
 */
public final class ScheduleJobHandler implements RequestStreamHandler {
    private final SchedulingEndpoint endpoint;

    public ScheduleJobHandler() {
        this(Lapse.fromEnvironment());
    }

    public ScheduleJobHandler(Lapse lapse) {
        this.endpoint = lapse.endpoint();
        lapse.primeOnInit(() -> prime(lapse.clock().instant()));
    }

    /** Schedules a sample job due in 10 minutes (the precise path too); see {@link dev.lapse.Priming}. */
    private void prime(Instant now) {
        var request = Json.object().put("detail-type", "Schedule Job").put("source", "lapse.priming");
        request.putObject("detail").put("jobId", Priming.SAMPLE_JOB_ID).put("jobType", "lapse.priming")
                .put("dueAt", now.plusSeconds(600).truncatedTo(ChronoUnit.SECONDS).toString()).putObject("payload").put("priming", true);
        try {
            handleRequest(new ByteArrayInputStream(Json.write(request).getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(endpoint.handle(input.readAllBytes())).getBytes(StandardCharsets.UTF_8));
    }
}
