package dev.lapse.store;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
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
public final class ExecutionLedger {
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

    public Claim claim(String occurrenceId, String jobId, int attempt) {
        long now = clock.millis();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(KEY, AttributeValue.fromS(occurrenceId));
        item.put("jobId", AttributeValue.fromS(jobId));
        item.put("attempt", n(attempt));
        item.put("state", AttributeValue.fromS(State.IN_FLIGHT.name()));
        item.put("leaseUntil", n(now + lease.toMillis()));
        item.put("claimedAt", n(now));
        item.put(EXPIRES_AT, n(now / 1000 + retention.toSeconds()));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#k)"
                            + " OR (#s = :released AND #a <= :attempt)"
                            + " OR (#s = :retried AND #a < :attempt)"
                            + " OR (#s = :inflight AND #l < :now AND #a <= :attempt)")
                    .expressionAttributeNames(Map.of("#k", KEY, "#s", "state", "#a", "attempt", "#l", "leaseUntil"))
                    .expressionAttributeValues(Map.of(
                            ":released", AttributeValue.fromS(State.RELEASED.name()),
                            ":retried", AttributeValue.fromS(State.RETRIED.name()),
                            ":inflight", AttributeValue.fromS(State.IN_FLIGHT.name()),
                            ":attempt", n(attempt),
                            ":now", n(now)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Claim.CLAIMED;
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && State.IN_FLIGHT.name().equals(e.item().get("state").s())
                    && Long.parseLong(e.item().get("attempt").n()) <= attempt) {
                return Claim.IN_FLIGHT_ELSEWHERE;
            }
            return Claim.ALREADY_HANDLED;
        }
    }

    /** Ends a claim in {@code state}; the write checks the claim is still ours (same attempt, in flight). */
    public void finish(String occurrenceId, int attempt, State state, String outcome) {
        dynamo.transactWriteItems(r -> r.transactItems(finishWrite(occurrenceId, attempt, state, outcome)));
    }

    /** The same write as {@link #finish}, for an action that commits its effect and the ledger in one transaction. */
    public TransactWriteItem finishWrite(String occurrenceId, int attempt, State state, String outcome) {
        return TransactWriteItem.builder().update(Update.builder()
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
                .build()).build();
    }

    /** Gives the claim back after a transient failure, so the retried delivery can claim it at once. */
    public void release(String occurrenceId, int attempt) {
        try {
            finish(occurrenceId, attempt, State.RELEASED, "released after a transient failure");
        } catch (RuntimeException ignored) {
            // The lease runs out by itself; releasing early only saves time.
        }
    }

    /** The state of an occurrence, or null if it was never claimed. */
    public State state(String occurrenceId) {
        var response = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(KEY, AttributeValue.fromS(occurrenceId))));
        return response.hasItem() && response.item().containsKey("state") ? State.valueOf(response.item().get("state").s()) : null;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
