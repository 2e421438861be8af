package dev.lapse.store;

import dev.lapse.job.Job;
import dev.lapse.run.Jobs;
import dev.lapse.job.JobConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Pending jobs in the Jobs table. Every write is conditional, so concurrent requests cannot lose one another. */
public final class JobStore {
    /** The most keys a {@code BatchGetItem} call takes. */
    static final int MAX_BATCH_GET = 100;
    private final DynamoDbClient dynamo;
    private final String table;
    private final Predicate<Job> swept;
    private final Duration ttlGrace;

    /** The store whose every job goes into the due-time index, with TTL at the due time. */
    public JobStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, job -> true, Duration.ZERO);
    }

    /**
     * @param swept    whether a job being written goes into the due-time index ({@code dueBucket}), for the sweep to hand
     *                 over: the jobs due beyond the horizon, which scheduling does not send to the due-jobs queue itself
     * @param ttlGrace how long after its due time (rounded up) a job's {@code ttl} lets DynamoDB's TTL delete it: zero when
     *                 TTL runs every job, longer when the due-jobs queue does and TTL is only its safety net
     */
    public JobStore(DynamoDbClient dynamo, String table, Predicate<Job> swept, Duration ttlGrace) {
        this.dynamo = dynamo;
        this.table = table;
        this.swept = swept;
        this.ttlGrace = ttlGrace;
    }

    private Map<String, AttributeValue> item(Job job) {
        return JobItems.toItem(job, swept.test(job), ttlGrace);
    }

    /** Outcome of {@link #create}: the job now stored, and whether this call wrote it. */
    public record Created(Job job, boolean written) {
    }

    /** Stores a new job as {@link #create(Job, Predicate)} does, counting every stored item as pending. */
    public Created create(Job job) {
        return create(job, stored -> false);
    }

    /**
     * Stores a new job. If a pending job with the same id and content exists, it is returned unchanged;
     * if its content differs, a JOB_CONFLICT is thrown. An item whose occurrence has already been run
     * for good ({@code finished}: a copy left behind while it ran) is not pending: the new job replaces it.
     */
    public Created create(Job job, Predicate<Job> finished) {
        for (int attempt = 1; ; attempt++) {
            Optional<Job> existing;
            try {
                dynamo.putItem(r -> r.tableName(table).item(item(job))
                        .conditionExpression("attribute_not_exists(#id)")
                        .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return new Created(job, true);
            } catch (ConditionalCheckFailedException e) {
                existing = e.hasItem() && !e.item().isEmpty() ? Optional.of(JobItems.fromItem(e.item())) : get(job.jobId());
            }
            if (existing.isEmpty()) {
                if (attempt >= 3) {
                    throw new IllegalStateException("job " + job.jobId() + " kept appearing and disappearing while it was scheduled; try again");
                }
                continue; // gone meanwhile: try again
            }
            Job pending = existing.get();
            boolean leftOver = !pending.occurrenceId().equals(job.occurrenceId()) && finished.test(pending);
            if (!leftOver) {
                List<String> differences = pending.differencesFrom(job);
                if (differences.isEmpty()) {
                    return new Created(pending, false);
                }
                throw JobConflictException.differs(pending, differences);
            }
            try {
                dynamo.transactWriteItems(r -> r.transactItems(putOver(existing, job)));
                return new Created(job, true);
            } catch (TransactionCanceledException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Puts a job back for another attempt. It replaces an item of the same occurrence at an earlier
     * attempt (a deferred copy), never another job; false if a different job under the same id, or
     * this occurrence at the same or a later attempt, is there.
     */
    public boolean rearm(Job job) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(job))
                    .conditionExpression("attribute_not_exists(#id) OR (#o = :o AND #a < :a)")
                    .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID, "#o", JobItems.OCCURRENCE, "#a", JobItems.ATTEMPT))
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(job.occurrenceId()),
                            ":a", AttributeValue.fromN(Integer.toString(job.attempt())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * The precise path: takes a due job, as it was read, out of the table and claims it in the ledger in one transaction, so
     * it is never out of both (a crash after this leaves it recoverable from the claim). A recurring job's item is replaced
     * instead, in the same transaction, by its next occurrence ({@code successor}), so a cancellation meanwhile is never lost.
     * Empty if the item no longer holds its occurrence at its attempt (cancelled, rescheduled, retried, run by TTL), or the
     * job is a paused or cancelled series, or is not due by {@code dueBy}.
     */
    public Jobs.Taken takeAndClaim(Job job, Instant dueBy, ExecutionLedger ledger, java.util.function.Function<Job, Optional<Job>> successor) {
        if (job.isDormant() || job.dueAt().isAfter(dueBy)) {
            return new Jobs.Taken(Optional.empty(), null);
        }
        var claim = ledger.claimPut(job);
        Optional<Job> next = job.isSeries() ? successor.apply(job) : Optional.empty();
        TransactWriteItem take = next.isPresent() ? putOver(Optional.of(job), next.get()) : deleteSeen(job);
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    take,
                    TransactWriteItem.builder().put(claim.toBuilder()
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build()));
            return new Jobs.Taken(Optional.of(job), ExecutionLedger.granted(claim), next);
        } catch (TransactionCanceledException e) {
            var reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.<CancellationReason>of();
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code())
                    && !"ConditionalCheckFailed".equals(reasons.get(0).code())) {
                // The item is still there, but this attempt is claimed elsewhere.
                return new Jobs.Taken(Optional.of(job), ExecutionLedger.refused(reasons.get(1).item(), job.attempt()));
            }
            if (reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                return new Jobs.Taken(Optional.empty(), null);
            }
            throw e;
        }
    }

    /** Deletes a pending job; empty if there is none (never scheduled, cancelled, or already run). */
    public Optional<Job> cancel(String jobId) {
        try {
            var response = dynamo.deleteItem(r -> r.tableName(table).key(key(jobId))
                    .conditionExpression("attribute_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID))
                    .returnValues(ReturnValue.ALL_OLD));
            return Optional.of(JobItems.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Moves a pending job to a new due time as a new occurrence (attempts and errors reset), scheduled {@code at}. */
    public Job reschedule(String jobId, Instant dueAt, String dueSpec, java.util.function.UnaryOperator<String> nextOccurrence,
            java.util.function.Predicate<Job> ranForGood, Instant at) {
        Job current = get(jobId).filter(j -> !ranForGood.test(j) && !j.isCancelledSeries()).orElseThrow(() -> JobConflictException.notPending(jobId));
        if (current.isSeries()) {
            throw JobConflictException.recurring(jobId);
        }
        Job moved = current.rescheduled(dueAt, dueSpec, nextOccurrence.apply(current.occurrenceId()), at);
        Map<String, AttributeValue> item = item(moved);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":old", AttributeValue.fromS(current.occurrenceId()));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("#o = :old")
                    .expressionAttributeNames(Map.of("#o", JobItems.OCCURRENCE))
                    .expressionAttributeValues(values));
            return moved;
        } catch (ConditionalCheckFailedException e) {
            throw JobConflictException.notPending(jobId);
        }
    }

    /** Writes {@code next} over the item as it was read ({@code seen}); false if it is no longer that occurrence at that attempt. */
    public boolean replace(Job seen, Job next) {
        Guard guard = guard(Optional.of(seen));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(next)).conditionExpression(guard.expression())
                    .expressionAttributeNames(guard.names()).expressionAttributeValues(guard.values()));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Arms a recurring job's next occurrence after its item was taken by TTL; false if an item is already there (the
     * next occurrence armed by another delivery, a pause, a cancellation, or a new job under the id).
     */
    public boolean armNext(Job next) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(next)).conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * A transaction's write of {@code job} over the item as it was read ({@code seen}): it fails, writing
     * nothing, if the item is no longer that occurrence at that attempt (or, when none was seen, if one appeared).
     */
    public TransactWriteItem putOver(Optional<Job> seen, Job job) {
        Guard guard = guard(seen);
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item(job))
                .conditionExpression(guard.expression()).expressionAttributeNames(guard.names())
                .expressionAttributeValues(guard.values()).build()).build();
    }

    /** A transaction's delete of the job as it was read; fails if the item is no longer that occurrence at that attempt. */
    public TransactWriteItem deleteSeen(Job seen) {
        Guard guard = guard(Optional.of(seen));
        return TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(seen.jobId()))
                .conditionExpression(guard.expression()).expressionAttributeNames(guard.names())
                .expressionAttributeValues(guard.values()).build()).build();
    }

    /** A transaction's check that the item of {@code jobId} is still as it was read (absent, or that occurrence at that attempt). */
    public TransactWriteItem unchanged(String jobId, Optional<Job> seen) {
        Guard guard = guard(seen);
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table).key(key(jobId))
                .conditionExpression(guard.expression()).expressionAttributeNames(guard.names())
                .expressionAttributeValues(guard.values()).build()).build();
    }

    private record Guard(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    }

    private static Guard guard(Optional<Job> seen) {
        if (seen.isEmpty()) {
            return new Guard("attribute_not_exists(#id)", Map.of("#id", JobItems.JOB_ID), null);
        }
        return new Guard("#o = :o AND #a = :a", Map.of("#o", JobItems.OCCURRENCE, "#a", JobItems.ATTEMPT),
                Map.of(":o", AttributeValue.fromS(seen.get().occurrenceId()),
                        ":a", AttributeValue.fromN(Integer.toString(seen.get().attempt()))));
    }

    public Optional<Job> get(String jobId) {
        var response = dynamo.getItem(r -> r.tableName(table).key(key(jobId)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(JobItems.fromItem(response.item())) : Optional.empty();
    }

    /**
     * The stored jobs under these ids (strongly consistent, {@code BatchGetItem} of up to 100 keys a call); an id with
     * no item, or one DynamoDB left unprocessed after a few tries, is not in the answer.
     */
    public Map<String, Job> getAll(java.util.Collection<String> jobIds) {
        Map<String, Job> found = new HashMap<>();
        List<String> ids = jobIds.stream().distinct().toList();
        for (int from = 0; from < ids.size(); from += MAX_BATCH_GET) {
            List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(ids.size(), from + MAX_BATCH_GET)).stream().map(JobStore::key).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int tryNo = 1; tryNo <= 3 && !request.isEmpty(); tryNo++) {
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(asked));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    Job job = JobItems.fromItem(item);
                    found.put(job.jobId(), job);
                });
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    private static Map<String, AttributeValue> key(String jobId) {
        return Map.of(JobItems.JOB_ID, AttributeValue.fromS(jobId));
    }
}
