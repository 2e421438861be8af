package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.json.Json;
import dev.lapse.observe.LogFields;
import dev.lapse.schedule.SchedulingEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Schedules, cancels, reschedules, pauses and resumes jobs, from the EventBridge rule (the template lists its detail-types)
 * or a direct Invoke (which also answers "Get Job" and "List Jobs"); answers the stored job or a structured error. Reads
 * the raw stream so that even malformed JSON gets a clear answer instead of a deserialization failure.
 */
public final class ScheduleJobHandler implements RequestStreamHandler {
    private final SchedulingEndpoint endpoint;

    public ScheduleJobHandler() {
        this(Lapse.fromEnvironment());
    }

    public ScheduleJobHandler(Lapse lapse) {
        this.endpoint = lapse.endpoint();
        lapse.primeOnInit(PrimingSample.SCHEDULE_JOB);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            output.write(Json.write(endpoint.handle(input.readAllBytes())).getBytes(StandardCharsets.UTF_8));
        }
    }
}
