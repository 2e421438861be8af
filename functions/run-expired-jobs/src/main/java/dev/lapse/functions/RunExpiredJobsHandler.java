package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.lapse.Lapse;
import dev.lapse.Priming;
import dev.lapse.run.ExpiredJobs;
import dev.lapse.run.PartialBatch;
import dev.lapse.run.TtlDeletion;

/**
 * Runs jobs whose Jobs-table item DynamoDB TTL has deleted (see {@link ExpiredJobs}). The
 * event source's FilterCriteria (template.yaml) passes only TTL deletions; the handler checks again, so a
 * misconfigured filter cannot make an operator's delete run a job.
 */
public final class RunExpiredJobsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final ExpiredJobs expired;
    private final boolean requireTtlIdentity;

    public RunExpiredJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunExpiredJobsHandler(Lapse lapse) {
        this(lapse, lapse.settings().requireTtlIdentity());
    }

    public RunExpiredJobsHandler(Lapse lapse, boolean requireTtlIdentity) {
        this.expired = lapse.expiredJobs();
        this.requireTtlIdentity = requireTtlIdentity;
        lapse.primeOnInit(() -> handleRequest(StreamImages.ttlDeletion(Priming.sampleJob(lapse.clock().instant()),
                lapse.clock().instant()), null));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return new StreamsEventResponse(PartialBatch.failedIds(event.getRecords(),
                r -> r.getDynamodb() == null ? null : r.getDynamodb().getSequenceNumber(), RunExpiredJobsHandler::jobOf,
                r -> expired.handle(r.getEventID(), r.getEventName(), isTtlDeletion(r), () -> StreamImages.toSdk(r.getDynamodb().getOldImage()),
                        r)).stream().map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    /** The job (item key) a record concerns: records of one job run in stream order. */
    static String jobOf(DynamodbEvent.DynamodbStreamRecord record) {
        var keys = record.getDynamodb() == null ? null : record.getDynamodb().getKeys();
        var jobId = keys == null ? null : keys.get(dev.lapse.store.JobItems.JOB_ID);
        return jobId == null ? record.getEventID() : jobId.getS();
    }

    boolean isTtlDeletion(DynamodbEvent.DynamodbStreamRecord record) {
        var identity = record.getUserIdentity();
        var change = record.getDynamodb();
        var ttl = change == null || change.getOldImage() == null ? null : change.getOldImage().get(dev.lapse.store.JobItems.TTL);
        return TtlDeletion.isTtlDeletion("REMOVE".equals(record.getEventName()), identity == null ? null : identity.getType(),
                identity == null ? null : identity.getPrincipalId(), ttl == null ? null : ttl.getN(),
                change == null || change.getApproximateCreationDateTime() == null ? null : change.getApproximateCreationDateTime().toInstant(),
                requireTtlIdentity);
    }
}
