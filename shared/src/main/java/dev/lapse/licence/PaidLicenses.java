package dev.lapse.licence;

import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import dev.lapse.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The PaidLicenses table: one item per licence key with {@code status} ACTIVE, CANCELLED (paid
 * until {@code paidUntil}, waiting for deactivation) or DEACTIVATED.
 */
public final class PaidLicenses implements JobAction {
    public static final String JOB_TYPE = "licence.deactivate";
    public static final String KEY = "licenceId";

    public enum Status { ACTIVE, CANCELLED, DEACTIVATED }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public PaidLicenses(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public String table() {
        return table;
    }

    public static String jobIdFor(String licenceId) {
        return "licence-deactivate:" + licenceId;
    }

    /**
     * The subscription was cancelled at {@code at}: the licence keeps working until {@code paidUntil}.
     * Returns false, changing nothing, if a later subscription event was already applied (EventBridge
     * does not keep order, and may deliver an event again hours later).
     */
    public boolean markCancelled(String licenceId, Instant paidUntil, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(licenceId))
                    .updateExpression("SET #s = :cancelled, paidUntil = :until, paidUntilEpoch = :epoch, updatedAt = :now, lastEventAt = :at")
                    .conditionExpression("(attribute_not_exists(#s) OR #s <> :deactivated)"
                            + " AND (attribute_not_exists(lastEventAt) OR lastEventAt <= :at)")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(
                            ":cancelled", AttributeValue.fromS(Status.CANCELLED.name()),
                            ":deactivated", AttributeValue.fromS(Status.DEACTIVATED.name()),
                            ":until", AttributeValue.fromS(paidUntil.toString()),
                            ":epoch", AttributeValue.fromN(Long.toString(paidUntil.getEpochSecond())),
                            ":now", AttributeValue.fromS(clock.instant().toString()),
                            ":at", AttributeValue.fromN(Long.toString(at.toEpochMilli())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            if (status(licenceId).filter(s -> s == Status.DEACTIVATED).isPresent()) {
                throw new JobConflictException("LICENCE_DEACTIVATED", jobIdFor(licenceId), "licence " + licenceId
                        + " is already deactivated; a cancelled subscription cannot be scheduled for it again");
            }
            return false;
        }
    }

    /** The subscription was reactivated at {@code at}; false, changing nothing, if a later event was already applied. */
    public boolean markActive(String licenceId, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(licenceId))
                    .updateExpression("SET #s = :active, updatedAt = :now, lastEventAt = :at REMOVE paidUntil, paidUntilEpoch")
                    .conditionExpression("attribute_not_exists(lastEventAt) OR lastEventAt <= :at")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(
                            ":active", AttributeValue.fromS(Status.ACTIVE.name()),
                            ":now", AttributeValue.fromS(clock.instant().toString()),
                            ":at", AttributeValue.fromN(Long.toString(at.toEpochMilli())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Deactivates a licence due for it; the ledger record is finished in the same transaction. */
    @Override
    public Result run(Job job, Run run) {
        String licenceId = Json.read(job.payload()).path(KEY).asText("");
        if (licenceId.isEmpty()) {
            throw new IllegalArgumentException("payload.licenceId is missing: a " + JOB_TYPE + " job needs the licence to deactivate");
        }
        Instant now = run.firedAt();
        Update deactivate = deactivation(licenceId, now);
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(deactivate).build(),
                    run.finishWrite(job, "deactivated licence " + licenceId)));
            return new Result("deactivated licence " + licenceId, true);
        } catch (TransactionCanceledException e) {
            boolean licenceCondition = e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
            if (licenceCondition) {
                return new Result("licence " + licenceId + " left alone: not waiting for deactivation (" + describe(licenceId) + ")", false);
            }
            throw e;
        }
    }

    /** Deactivates licences whose paid period ended more than {@code grace} ago and are still not deactivated. */
    public List<String> reconcile(Duration grace) {
        Instant now = clock.instant();
        long cutoff = now.minus(grace).getEpochSecond();
        List<String> deactivated = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)
                        .filterExpression("#s = :cancelled AND paidUntilEpoch <= :cutoff")
                        .expressionAttributeNames(Map.of("#s", "status"))
                        .expressionAttributeValues(Map.of(
                                ":cancelled", AttributeValue.fromS(Status.CANCELLED.name()),
                                ":cutoff", AttributeValue.fromN(Long.toString(cutoff)))))
                .items().forEach(item -> {
                    String licenceId = item.get(KEY).s();
                    Update u = deactivation(licenceId, now);
                    try {
                        dynamo.updateItem(r -> r.tableName(u.tableName()).key(u.key()).updateExpression(u.updateExpression())
                                .conditionExpression(u.conditionExpression())
                                .expressionAttributeNames(u.expressionAttributeNames())
                                .expressionAttributeValues(u.expressionAttributeValues()));
                        deactivated.add(licenceId);
                    } catch (ConditionalCheckFailedException e) {
                        // reactivated or deactivated between the scan and the update
                    }
                });
        return deactivated;
    }

    public Optional<Status> status(String licenceId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(licenceId)).consistentRead(true)).item();
        return item == null || !item.containsKey("status") ? Optional.empty() : Optional.of(Status.valueOf(item.get("status").s()));
    }

    private Update deactivation(String licenceId, Instant now) {
        return Update.builder().tableName(table).key(key(licenceId))
                .updateExpression("SET #s = :deactivated, deactivatedAt = :now")
                .conditionExpression("#s = :cancelled AND paidUntilEpoch <= :nowEpoch")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(
                        ":deactivated", AttributeValue.fromS(Status.DEACTIVATED.name()),
                        ":cancelled", AttributeValue.fromS(Status.CANCELLED.name()),
                        ":now", AttributeValue.fromS(now.toString()),
                        ":nowEpoch", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                .build();
    }

    private String describe(String licenceId) {
        return status(licenceId).map(Enum::name).orElse("no such licence");
    }

    private static Map<String, AttributeValue> key(String licenceId) {
        return Map.of(KEY, AttributeValue.fromS(licenceId));
    }
}
