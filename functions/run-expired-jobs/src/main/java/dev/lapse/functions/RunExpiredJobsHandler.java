package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.observe.LogFields;
import dev.lapse.run.BatchEvents;
import dev.lapse.run.ExpiredJobs;
import dev.lapse.run.PartialBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Runs jobs TTL deleted ({@link ExpiredJobs}); checks each record is a TTL deletion whatever the event source's filter passed. */
public final class RunExpiredJobsHandler implements RequestStreamHandler {
    private final ExpiredJobs expired;
    private final boolean requireTtlIdentity;

    public RunExpiredJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunExpiredJobsHandler(Lapse lapse) {
        this.expired = lapse.expiredJobs();
        this.requireTtlIdentity = lapse.settings().requireTtlIdentity();
        lapse.primeOnInit(PrimingSample.RUN_EXPIRED_JOBS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            BatchEvents.answer(PartialBatch.failedIds(BatchEvents.records(input), StreamImages::sequenceNumber, StreamImages::jobOf,
                    StreamImages.handledBy(expired, requireTtlIdentity)), output);
        }
    }
}
