package dev.lapse.store;

import dev.lapse.job.Job;
import dev.lapse.run.Jobs;
import dev.lapse.job.JobConflictException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
    private final DynamoDbClient dynamo;
    private final String table;
    private final Predicate<Job> swept;

    /** The store whose every job goes into the due-time index. */
    public JobStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, job -> true);
    }

    /**
     * @param swept whether a job being written goes into the due-time index ({@code dueBucket}), for the sweep to hand
     *              over: the jobs due beyond the horizon, which scheduling does not send to the due-jobs queue itself
     */
    public JobStore(DynamoDbClient dynamo, String table, Predicate<Job> swept) {
        this.dynamo = dynamo;
        this.table = table;
        this.swept = swept;
    }

    private Map<String, AttributeValue> item(Job job) {
        return JobItems.toItem(job, swept.test(job));
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
                throw conflict(pending, differences);
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

    /** A JOB_CONFLICT naming the request's fields that differ from the pending job. */
    public static JobConflictException conflict(Job existing, List<String> differences) {
        return new JobConflictException("JOB_CONFLICT", existing.jobId(), differences, "job " + existing.jobId()
                + " is already pending with a different " + String.join(", ", differences) + " (pending: type " + existing.type()
                + ", due " + existing.dueAt() + "); the same id with the same content is the same job. Cancel it first or use another jobId");
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
     * The precise path: takes a due job out of the table and claims it in the ledger in one
     * transaction, so the job is never out of both (a crash after this leaves it recoverable from the
     * claim). Empty if the item is gone or holds another occurrence (cancelled, rescheduled, run by TTL).
     */
    public Jobs.Taken takeAndClaim(String jobId, String occurrenceId, ExecutionLedger ledger) {
        return takeAndClaim(jobId, occurrenceId, Instant.MAX, ledger, job -> Optional.empty());
    }

    /**
     * As above, only a job due by {@code dueBy}; a recurring job's item is not deleted but replaced, in the same transaction, by its next occurrence
     * ({@code successor}), so the series is never out of the table and a cancellation meanwhile is never lost.
     */
    public Jobs.Taken takeAndClaim(String jobId, String occurrenceId, Instant dueBy, ExecutionLedger ledger,
                                   java.util.function.Function<Job, Optional<Job>> successor) {
        Optional<Job> current = get(jobId).filter(j -> j.occurrenceId().equals(occurrenceId) && !j.isDormant() && !j.dueAt().isAfter(dueBy));
        if (current.isEmpty()) {
            return new Jobs.Taken(Optional.empty(), null);
        }
        Job job = current.get();
        var claim = ledger.claimPut(job);
        Optional<Job> next = job.isSeries() ? successor.apply(job) : Optional.empty();
        Map<String, String> names = Map.of("#o", JobItems.OCCURRENCE, "#a", JobItems.ATTEMPT);
        Map<String, AttributeValue> values = Map.of(":o", AttributeValue.fromS(occurrenceId),
                ":a", AttributeValue.fromN(Integer.toString(job.attempt())));
        TransactWriteItem take = next.isPresent()
                ? TransactWriteItem.builder().put(Put.builder().tableName(table).item(item(next.get()))
                        .conditionExpression("#o = :o AND #a = :a").expressionAttributeNames(names).expressionAttributeValues(values)
                        .build()).build()
                : TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(jobId))
                        .conditionExpression("#o = :o AND #a = :a").expressionAttributeNames(names).expressionAttributeValues(values)
                        .build()).build();
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

    /** Moves a pending job to a new due time as a new occurrence (attempts and errors reset). */
    public Job reschedule(String jobId, Instant dueAt, String dueSpec, java.util.function.UnaryOperator<String> nextOccurrence,
            java.util.function.Predicate<Job> ranForGood) {
        Job current = get(jobId).filter(j -> !ranForGood.test(j) && !j.isCancelledSeries()).orElseThrow(() -> notPending(jobId));
        if (current.isSeries()) {
            throw recurring(jobId);
        }
        Job moved = current.rescheduled(dueAt, dueSpec, nextOccurrence.apply(current.occurrenceId()));
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
            throw notPending(jobId);
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

    static JobConflictException notPending(String jobId) {
        return new JobConflictException("JOB_NOT_PENDING", jobId, "job " + jobId
                + " is not pending: it was never scheduled, was cancelled, or has already run");
    }

    /** A one-time request (a due time) for a recurring job. */
    public static JobConflictException recurring(String jobId) {
        return new JobConflictException("JOB_IS_RECURRING", jobId, "job " + jobId + " is a recurring job: reschedule it with"
                + " detail.recurrence (from its next occurrence on), or pause, resume or cancel it");
    }

    private static Map<String, AttributeValue> key(String jobId) {
        return Map.of(JobItems.JOB_ID, AttributeValue.fromS(jobId));
    }
}
