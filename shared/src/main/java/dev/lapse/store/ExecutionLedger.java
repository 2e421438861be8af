package dev.lapse.store;

import dev.lapse.job.Job;
import dev.lapse.run.Claims;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * One record per job occurrence in the JobExecutions table, written with conditions so an
 * occurrence's action runs at most once however often its trigger is delivered.
 *
 * <p>States: IN_FLIGHT (claimed, lease running) → DONE | RETRIED (re-armed for the next attempt)
 * | DEAD_LETTERED | RELEASED (a transient failure gave the claim back). An IN_FLIGHT record whose
 * lease has run out (the runner crashed) can be claimed again. Records expire by TTL after
 * {@code retention}.
 */
public final class ExecutionLedger implements Claims {
    public static final String KEY = "occurrenceId";
    public static final String EXPIRES_AT = "expiresAt";

    public enum State { IN_FLIGHT, DONE, RETRIED, DEAD_LETTERED, RELEASED }

    public enum Claim { CLAIMED, ALREADY_HANDLED, IN_FLIGHT_ELSEWHERE }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Duration lease;
    private final Duration retention;

    public ExecutionLedger(DynamoDbClient dynamo, String table, Clock clock, Duration lease, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.lease = lease;
        this.retention = retention;
    }

    public String table() {
        return table;
    }

    /** The outcome of a claim; {@code leaseUntilMillis} is when a claim held elsewhere may be taken over. */
    public record ClaimResult(Claim claim, long leaseUntilMillis) {
    }

    /**
     * Claims one attempt of an occurrence. The record keeps a copy of the job, so a job that exists
     * nowhere else (taken out of the Jobs table by the precise path) can be recovered after a crash.
     */
    @Override
    public ClaimResult claim(Job job) {
        Put put = claimPut(job);
        try {
            dynamo.putItem(r -> r.tableName(put.tableName()).item(put.item())
                    .conditionExpression(put.conditionExpression())
                    .expressionAttributeNames(put.expressionAttributeNames())
                    .expressionAttributeValues(put.expressionAttributeValues())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return granted(put);
        } catch (ConditionalCheckFailedException e) {
            return refused(e.hasItem() ? e.item() : Map.of(), job.attempt());
        }
    }

    /** The claim {@code put} (from {@link #claimPut}) grants once written. */
    public static ClaimResult granted(Put put) {
        return new ClaimResult(Claim.CLAIMED, Long.parseLong(put.item().get("leaseUntil").n()));
    }

    /** Why a claim was refused, from the record that refused it. */
    public static ClaimResult refused(Map<String, AttributeValue> old, int attempt) {
        if (old != null && old.containsKey("state") && State.IN_FLIGHT.name().equals(old.get("state").s())
                && Long.parseLong(old.get("attempt").n()) <= attempt) {
            return new ClaimResult(Claim.IN_FLIGHT_ELSEWHERE, Long.parseLong(old.get("leaseUntil").n()));
        }
        return new ClaimResult(Claim.ALREADY_HANDLED, 0);
    }

    /** The conditional put of a claim, for use on its own or in a transaction. */
    public Put claimPut(Job job) {
        long now = clock.millis();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(KEY, AttributeValue.fromS(job.occurrenceId()));
        item.put("jobId", AttributeValue.fromS(job.jobId()));
        item.put("attempt", n(job.attempt()));
        item.put("state", AttributeValue.fromS(State.IN_FLIGHT.name()));
        item.put("leaseUntil", n(now + lease.toMillis()));
        item.put("claimedAt", n(now));
        item.put("job", AttributeValue.fromM(JobItems.toItem(job)));
        item.put(EXPIRES_AT, n(now / 1000 + retention.toSeconds()));
        return Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#k)"
                        + " OR (#s = :released AND #a <= :attempt)"
                        + " OR (#s = :retried AND #a < :attempt)"
                        + " OR (#s = :inflight AND #l < :now AND #a <= :attempt)")
                .expressionAttributeNames(Map.of("#k", KEY, "#s", "state", "#a", "attempt", "#l", "leaseUntil"))
                .expressionAttributeValues(Map.of(
                        ":released", AttributeValue.fromS(State.RELEASED.name()),
                        ":retried", AttributeValue.fromS(State.RETRIED.name()),
                        ":inflight", AttributeValue.fromS(State.IN_FLIGHT.name()),
                        ":attempt", n(job.attempt()),
                        ":now", n(now)))
                .build();
    }

    /**
     * The job of an occurrence whose claim was given back or whose runner died (lease over): the
     * copy kept in the claim, to run again. Empty while it is in flight, once it is finished, or if
     * it was never claimed.
     */
    @Override
    public java.util.Optional<Job> recoverable(String occurrenceId) {
        var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(KEY, AttributeValue.fromS(occurrenceId)))).item();
        if (item == null || !item.containsKey("job") || !item.containsKey("state")) {
            return java.util.Optional.empty();
        }
        State state = State.valueOf(item.get("state").s());
        boolean leaseOver = state == State.IN_FLIGHT && Long.parseLong(item.get("leaseUntil").n()) < clock.millis();
        return state == State.RELEASED || leaseOver ? java.util.Optional.of(JobItems.fromItem(item.get("job").m()))
                : java.util.Optional.empty();
    }

    @Override
    public void forgetCopy(String occurrenceId) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(Map.of(KEY, AttributeValue.fromS(occurrenceId)))
                    .updateExpression("REMOVE #j").conditionExpression("#s = :released")
                    .expressionAttributeNames(Map.of("#j", "job", "#s", "state"))
                    .expressionAttributeValues(Map.of(":released", AttributeValue.fromS(State.RELEASED.name()))));
        } catch (ConditionalCheckFailedException e) {
            // claimed again meanwhile: that claim keeps its own copy
        }
    }

    /**
     * Ends a claim in {@code state}; the write checks the claim is still ours (same attempt, in flight). One conditional
     * {@code UpdateItem}: a transaction of this one item would be billed twice the write units for nothing more.
     *
     * @throws ConditionalCheckFailedException the claim is no longer ours in flight
     */
    public void finish(String occurrenceId, int attempt, State state, String outcome) {
        dynamo.updateItem(Writes.alone(finishUpdate(occurrenceId, attempt, state, outcome)));
    }

    /** The same write as {@link #finish}, for an action that commits its effect and the ledger in one transaction. */
    public TransactWriteItem finishWrite(String occurrenceId, int attempt, State state, String outcome) {
        return TransactWriteItem.builder().update(finishUpdate(occurrenceId, attempt, state, outcome)).build();
    }

    private Update finishUpdate(String occurrenceId, int attempt, State state, String outcome) {
        return Update.builder()
                .tableName(table)
                .key(Map.of(KEY, AttributeValue.fromS(occurrenceId)))
                .updateExpression("SET #s = :state, outcome = :outcome, finishedAt = :now")
                .conditionExpression("#s = :inflight AND #a = :attempt")
                .expressionAttributeNames(Map.of("#s", "state", "#a", "attempt"))
                .expressionAttributeValues(Map.of(
                        ":state", AttributeValue.fromS(state.name()),
                        ":outcome", AttributeValue.fromS(outcome),
                        ":now", n(clock.millis()),
                        ":inflight", AttributeValue.fromS(State.IN_FLIGHT.name()),
                        ":attempt", n(attempt)))
                .build();
    }

    /** Gives the claim back after a transient failure, so the retried delivery can claim it at once. */
    @Override
    public void release(String occurrenceId, int attempt) {
        try {
            finish(occurrenceId, attempt, State.RELEASED, "released after a transient failure");
        } catch (RuntimeException ignored) {
            // The lease runs out by itself; releasing early only saves time.
        }
    }

    /** Finishes a claim, trying a few times; false if it could not (the lease then runs out by itself). */
    @Override
    public boolean finishPatiently(String occurrenceId, int attempt, State state, String outcome) {
        for (int tryNo = 1; tryNo <= 3; tryNo++) {
            try {
                finish(occurrenceId, attempt, state, outcome);
                return true;
            } catch (ConditionalCheckFailedException e) {
                return false; // the claim is no longer ours in flight: nothing to finish
            } catch (RuntimeException e) {
                try {
                    Thread.sleep(100L * tryNo);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** The state of an occurrence, or null if it was never claimed. */
    @Override
    public State state(String occurrenceId) {
        var response = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(KEY, AttributeValue.fromS(occurrenceId))));
        return response.hasItem() && response.item().containsKey("state") ? State.valueOf(response.item().get("state").s()) : null;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
