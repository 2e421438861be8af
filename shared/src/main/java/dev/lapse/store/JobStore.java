package dev.lapse.store;

import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** Pending jobs in the Jobs table. Every write is conditional, so concurrent requests cannot lose one another. */
public final class JobStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public JobStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public String table() {
        return table;
    }

    /** Outcome of {@link #create}: the job now stored, and whether this call wrote it. */
    public record Created(Job job, boolean written) {
    }

    /**
     * Stores a new job. If a pending job with the same id and content exists, it is returned unchanged;
     * if its content differs, a JOB_CONFLICT is thrown.
     */
    public Created create(Job job) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(JobItems.toItem(job))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Created(job, true);
        } catch (ConditionalCheckFailedException e) {
            Job existing = e.hasItem() ? JobItems.fromItem(e.item()) : get(job.jobId()).orElseThrow(() -> e);
            if (existing.sameContentAs(job)) {
                return new Created(existing, false);
            }
            throw new JobConflictException("JOB_CONFLICT", job.jobId(), "job " + job.jobId()
                    + " is already scheduled with different content (type " + existing.type() + ", due " + existing.dueSpec()
                    + "); cancel it first or use another jobId");
        }
    }

    /** Puts a job back for another attempt; false if a new job with the same id was scheduled meanwhile. */
    public boolean rearm(Job job) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(JobItems.toItem(job))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", JobItems.JOB_ID)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
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

    /** Takes a due job out of the table to run it now, if it is still this occurrence. */
    public Optional<Job> take(String jobId, String occurrenceId) {
        try {
            var response = dynamo.deleteItem(r -> r.tableName(table).key(key(jobId))
                    .conditionExpression("#o = :o")
                    .expressionAttributeNames(Map.of("#o", JobItems.OCCURRENCE))
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(occurrenceId)))
                    .returnValues(ReturnValue.ALL_OLD));
            return Optional.of(JobItems.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Moves a pending job to a new due time as a new occurrence (attempts and errors reset). */
    public Job reschedule(String jobId, Instant dueAt, String dueSpec, String occurrenceId) {
        Job current = get(jobId).orElseThrow(() -> notPending(jobId));
        Job moved = current.rescheduled(dueAt, dueSpec, occurrenceId);
        Map<String, AttributeValue> item = JobItems.toItem(moved);
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

    public Optional<Job> get(String jobId) {
        var response = dynamo.getItem(r -> r.tableName(table).key(key(jobId)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(JobItems.fromItem(response.item())) : Optional.empty();
    }

    /** Every pending job (a scan: for tools and tests, not for the hot path). */
    public List<Job> all() {
        return dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream()
                .map(JobItems::fromItem).toList();
    }

    static JobConflictException notPending(String jobId) {
        return new JobConflictException("JOB_NOT_PENDING", jobId, "job " + jobId
                + " is not pending: it was never scheduled, was cancelled, or has already run");
    }

    private static Map<String, AttributeValue> key(String jobId) {
        return Map.of(JobItems.JOB_ID, AttributeValue.fromS(jobId));
    }
}
