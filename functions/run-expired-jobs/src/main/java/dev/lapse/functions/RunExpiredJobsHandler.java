package dev.lapse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.lapse.Lapse;
import dev.lapse.Priming;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.run.DeadLetters;
import dev.lapse.run.JobRunner;
import dev.lapse.run.PartialBatch;
import dev.lapse.store.CorruptJobException;
import dev.lapse.store.JobItems;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs whose Jobs-table item DynamoDB TTL has deleted. The event source's FilterCriteria
 * (template.yaml) passes only TTL deletions; the handler checks again, so a misconfigured filter
 * cannot make an operator's delete run a job. Each record is handled on its own: a record that
 * hits a transient failure is reported in {@code batchItemFailures}; an unreadable one is
 * dead-lettered with its reason; neither stops the rest of the batch.
 */
public final class RunExpiredJobsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(RunExpiredJobsHandler.class);
    static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

    private final JobRunner runner;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final boolean requireTtlIdentity;

    public RunExpiredJobsHandler() {
        this(Lapse.fromEnvironment());
    }

    public RunExpiredJobsHandler(Lapse lapse) {
        this(lapse, lapse.settings().requireTtlIdentity());
    }

    public RunExpiredJobsHandler(Lapse lapse, boolean requireTtlIdentity) {
        this.runner = lapse.runner();
        this.deadLetters = lapse.deadLetters();
        this.clock = lapse.clock();
        this.requireTtlIdentity = requireTtlIdentity;
        lapse.primeOnInit(this::prime);
    }

    /** Handles a sample TTL deletion of a sample job; see {@link dev.lapse.Priming}. */
    private void prime() {
        Job job = Priming.sampleJob(clock.instant());
        Identity ttl = new Identity();
        ttl.setType("Service");
        ttl.setPrincipalId(TTL_PRINCIPAL);
        StreamRecord change = new StreamRecord();
        change.setOldImage(StreamImages.fromSdk(JobItems.toItem(job)));
        change.setSequenceNumber("0");
        change.setApproximateCreationDateTime(Date.from(clock.instant()));
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("REMOVE");
        record.setUserIdentity(ttl);
        record.setDynamodb(change);
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(record));
        handleRequest(event, null);
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return new StreamsEventResponse(PartialBatch.failedIds(event.getRecords(),
                r -> r.getDynamodb() == null ? null : r.getDynamodb().getSequenceNumber(), this::handle)
                .stream().map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    private void handle(DynamodbEvent.DynamodbStreamRecord record) {
        if (!isTtlDeletion(record)) {
            LOG.info("record {} ({}) is not a TTL deletion; ignored", record.getEventID(), record.getEventName());
            return;
        }
        try {
            var parsed = JobItems.fromItem(StreamImages.toSdk(record.getDynamodb().getOldImage()));
            LOG.info("TTL expired job {} ({}) due {}", parsed.jobId(), parsed.type(), parsed.dueAt());
            runner.run(parsed, "ttl");
        } catch (CorruptJobException e) {
            LOG.error("record {} holds an unreadable job, dead-lettered: {}", record.getEventID(), e.getMessage());
            deadLetters.sendUnreadable("dynamodb-stream", Json.MAPPER.valueToTree(record), e.getMessage(), clock.instant());
        }
    }

    boolean isTtlDeletion(DynamodbEvent.DynamodbStreamRecord record) {
        if (!"REMOVE".equals(record.getEventName())) {
            return false;
        }
        Identity identity = record.getUserIdentity();
        if (identity != null && "Service".equals(identity.getType()) && TTL_PRINCIPAL.equals(identity.getPrincipalId())) {
            return true;
        }
        return !requireTtlIdentity && expiredWhenDeleted(record);
    }

    /**
     * Without the TTL identity (REQUIRE_TTL_IDENTITY=false, for LocalStack, whose TTL deletions carry
     * none) a TTL deletion is told from a cancel or an operator's delete by time alone: TTL deletes
     * only items whose {@code ttl} has passed, so an item deleted before its {@code ttl} was removed
     * by someone, not by TTL. A delete made after the due time cannot be told apart and counts as TTL.
     */
    private boolean expiredWhenDeleted(DynamodbEvent.DynamodbStreamRecord record) {
        var image = record.getDynamodb() == null ? null : record.getDynamodb().getOldImage();
        var ttl = image == null ? null : image.get(JobItems.TTL);
        if (ttl == null || ttl.getN() == null) {
            return false; // TTL never deletes an item without a numeric ttl
        }
        long expiresAt;
        try {
            expiresAt = new BigDecimal(ttl.getN()).longValue();
        } catch (NumberFormatException e) {
            return false;
        }
        Date created = record.getDynamodb().getApproximateCreationDateTime();
        long deletedAt = created != null ? created.toInstant().getEpochSecond() : clock.instant().getEpochSecond();
        return expiresAt <= deletedAt;
    }
}
