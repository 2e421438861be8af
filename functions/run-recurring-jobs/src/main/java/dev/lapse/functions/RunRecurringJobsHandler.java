package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.Lapse;
import dev.lapse.json.Json;
import dev.lapse.schedule.RecurringJobs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Runs one firing of a cron/rate schedule from template.yaml (EventBridge Scheduler target input). */
public final class RunRecurringJobsHandler implements RequestStreamHandler {
    private final RecurringJobs recurring;

    public RunRecurringJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunRecurringJobsHandler(Lapse lapse) {
        this.recurring = lapse.recurring();
        lapse.primeOnInit(() -> prime(lapse.clock().instant()));
    }

    /** Runs a sample firing (a generic job, then the licence reconciliation); see {@link dev.lapse.Priming}. */
    private void prime(Instant now) {
        String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
        for (var firing : new ObjectNode[] {
                Json.object().put("jobType", "lapse.priming").put("scheduleName", "lapse-priming").put("scheduledTime", at),
                Json.object().put("jobType", "licence.reconcile").put("scheduleName", "lapse-priming").put("scheduledTime", at)}) {
            try {
                handleRequest(new ByteArrayInputStream(Json.write(firing).getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(), null);
            } catch (IOException | RuntimeException e) {
                // the in-process answers are empty: a firing may stop early; the next one still primes
            }
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var answer = recurring.handle(Json.MAPPER.readTree(input));
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }
}
