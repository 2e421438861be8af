package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.json.Json;
import dev.lapse.observe.LogFields;
import dev.lapse.schedule.RecurringJobs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Runs one firing of a cron/rate schedule from template.yaml (EventBridge Scheduler target input). */
public final class RunRecurringJobsHandler implements RequestStreamHandler {
    private final RecurringJobs recurring;

    public RunRecurringJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunRecurringJobsHandler(Lapse lapse) {
        this.recurring = lapse.recurring();
        lapse.primeOnInit(PrimingSample.RUN_RECURRING_JOBS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            var answer = recurring.handle(Json.MAPPER.readTree(input));
            output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
        }
    }
}
