package dev.lapse.licence;

import dev.lapse.store.Writes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The PaidLicenses table: one item per licence key with {@code status} ACTIVE, CANCELLED (paid
 * until {@code paidUntil}, waiting for deactivation) or DEACTIVATED.
 */
public final class PaidLicenses {
    public static final String JOB_TYPE = "licence.deactivate";
    public static final String KEY = "licenceId";
    /** The id of a licence's deactivation job is this prefix and the licence id. */
    public static final String JOB_ID_PREFIX = "licence-deactivate:";

    public enum Status { ACTIVE, CANCELLED, DEACTIVATED }

    static final String STATUS = "status";
    /** The place of the last subscription event applied (epoch milliseconds, see {@link SubscriptionOrder.Stamp#orderMillis()}). */
    static final String LAST_EVENT_AT = "lastEventAt";
    /** The {@code version} of the last subscription event applied, if it carried one. */
    static final String LAST_EVENT_VERSION = "lastEventVersion";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public PaidLicenses(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public static String jobIdFor(String licenceId) {
        return JOB_ID_PREFIX + licenceId;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** What the licence remembers of the last subscription event applied to it ({@link SubscriptionOrder.Last#NONE} if none). */
    public SubscriptionOrder.Last last(String licenceId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(licenceId)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return SubscriptionOrder.Last.NONE;
        }
        return new SubscriptionOrder.Last(
                item.containsKey(STATUS) ? Optional.of(Status.valueOf(item.get(STATUS).s())) : Optional.empty(),
                number(item.get(LAST_EVENT_AT)), number(item.get(LAST_EVENT_VERSION)));
    }

    /**
     * A transaction's write of a subscription event onto the licence as it was read ({@code seen}): the
     * status (CANCELLED until {@code paidUntil}, or ACTIVE) and the event's place in the licence's order.
     * It fails, writing nothing, if the status or the last event changed since the licence was read.
     */
    TransactWriteItem record(String licenceId, SubscriptionOrder.Stamp event, Optional<Instant> paidUntil, SubscriptionOrder.Last seen) {
        boolean cancel = event.intent() == SubscriptionOrder.Intent.CANCEL;
        Map<String, String> names = new HashMap<>(Map.of("#s", STATUS, "#at", LAST_EVENT_AT, "#v", LAST_EVENT_VERSION));
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>(List.of("#s = :status", "updatedAt = :now", "#at = :at"));
        List<String> remove = new ArrayList<>();
        values.put(":status", AttributeValue.fromS((cancel ? Status.CANCELLED : Status.ACTIVE).name()));
        values.put(":now", AttributeValue.fromS(clock.instant().toString()));
        values.put(":at", AttributeValue.fromN(Long.toString(event.orderMillis())));
        if (cancel) {
            Instant until = paidUntil.orElseThrow();
            set.add("paidUntil = :until");
            set.add("paidUntilEpoch = :epoch");
            values.put(":until", AttributeValue.fromS(until.toString()));
            values.put(":epoch", AttributeValue.fromN(Long.toString(until.getEpochSecond())));
        } else {
            remove.add("paidUntil");
            remove.add("paidUntilEpoch");
        }
        if (event.version().isPresent()) {
            set.add("#v = :v");
            values.put(":v", AttributeValue.fromN(Long.toString(event.version().getAsLong())));
        } else {
            remove.add("#v");
        }
        List<String> unchanged = new ArrayList<>();
        unchanged.add(seen.status().map(s -> {
            values.put(":seenStatus", AttributeValue.fromS(s.name()));
            return "#s = :seenStatus";
        }).orElse("attribute_not_exists(#s)"));
        if (seen.orderMillis().isPresent()) {
            values.put(":seenAt", AttributeValue.fromN(Long.toString(seen.orderMillis().getAsLong())));
            unchanged.add("#at = :seenAt");
        } else {
            unchanged.add("attribute_not_exists(#at)");
        }
        if (seen.version().isPresent()) {
            values.put(":seenV", AttributeValue.fromN(Long.toString(seen.version().getAsLong())));
            unchanged.add("#v = :seenV");
        } else {
            unchanged.add("attribute_not_exists(#v)");
        }
        String update = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(licenceId))
                .updateExpression(update).conditionExpression(String.join(" AND ", unchanged))
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    private static OptionalLong number(AttributeValue value) {
        return value == null || value.n() == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value.n()));
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
                    try {
                        dynamo.updateItem(Writes.alone(deactivation(licenceId, now)));
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

    /** The conditional write that deactivates a licence still CANCELLED whose paid period ended by {@code now}. */
    Update deactivation(String licenceId, Instant now) {
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

    String describe(String licenceId) {
        return status(licenceId).map(Enum::name).orElse("no such licence");
    }

    private static Map<String, AttributeValue> key(String licenceId) {
        return Map.of(KEY, AttributeValue.fromS(licenceId));
    }
}
