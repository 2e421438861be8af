package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.lapse.Lapse;
import dev.lapse.PrimingSample;
import dev.lapse.observe.LogFields;
import dev.lapse.run.ExpiredJobs;
import dev.lapse.run.PartialBatch;

/**
 * Runs jobs whose Jobs-table item DynamoDB TTL has deleted (see {@link ExpiredJobs}). The event source's FilterCriteria
 * (template.yaml) passes only TTL deletions; the handler checks again, so a misconfigured filter cannot make an operator's delete run a job.
 */
public final class RunExpiredJobsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
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
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        try (LogFields.Scope request = LogFields.forRequest(context.getAwsRequestId())) {
            return new StreamsEventResponse(PartialBatch.failedIds(event.getRecords(), StreamImages::sequenceNumber, StreamImages::jobOf,
                    r -> expired.handle(r.getEventID(), r.getEventName(), StreamImages.isTtlDeletion(r, requireTtlIdentity),
                            () -> StreamImages.toSdk(r.getDynamodb().getOldImage()), r)).stream().map(StreamsEventResponse.BatchItemFailure::new).toList());
        }
    }
}
