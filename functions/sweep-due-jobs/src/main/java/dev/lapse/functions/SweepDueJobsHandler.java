package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.json.Json;
import dev.lapse.observe.LogFields;
import dev.lapse.sweep.DueJobsSweep;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One sweep of the due-time index, fired every minute by the template's schedule; see {@link DueJobsSweep}. */
public final class SweepDueJobsHandler implements RequestStreamHandler {
    private final Optional<DueJobsSweep> sweep;

    public SweepDueJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public SweepDueJobsHandler(Lapse lapse) {
        this.sweep = lapse.sweep();
        lapse.primeOnInit(PrimingSample.SWEEP_DUE_JOBS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            // With PreciseDelivery disabled there is no due-jobs queue: DynamoDB TTL runs every job, and there is nothing to sweep.
            String answer = sweep.map(s -> s.sweep().json())
                    .orElseGet(() -> Json.write(Json.MAPPER.valueToTree("no due-jobs queue (PreciseDelivery disabled)")));
            output.write(answer.getBytes(StandardCharsets.UTF_8));
        }
    }
}
