package dev.lapse.local;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Development mode: deletes expired items as soon as their TTL passes (DynamoDB Local's own
 * sweeper takes ~20 items per ~10 s, AWS takes minutes to days). Each deletion is conditional on
 * the TTL value it saw, and its REMOVE record is given the TTL service identity, exactly as a
 * TTL deletion carries it. DynamoDB Local's own TTL deletion keeps running alongside.
 */
final class FastTtl {
    private static final Logger LOG = LoggerFactory.getLogger("ttl");

    private final boolean enabled;
    private final Clock clock;
    /** Deletions of this sweeper (keys + TTL value) and when they were made, kept for the stream's 24 hours. */
    private final Map<String, Long> marks = new ConcurrentHashMap<>();
    private final Set<String> ttlAttributes = ConcurrentHashMap.newKeySet();

    FastTtl(boolean enabled, Clock clock) {
        this.enabled = enabled;
        this.clock = clock;
    }

    boolean enabled() {
        return enabled;
    }

    /** Deletes the expired items of {@code table}; returns how many. */
    int sweep(DynamoDbClient dynamo, String table, String ttlAttribute, java.util.List<String> keyAttributes) {
        if (!enabled) {
            return 0;
        }
        long now = clock.instant().getEpochSecond();
        ttlAttributes.add(ttlAttribute);
        marks.values().removeIf(at -> at < now - 24 * 3600);
        int deleted = 0;
        var items = dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)
                .filterExpression("#t <= :now")
                .expressionAttributeNames(Map.of("#t", ttlAttribute))
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now))))).items();
        for (Map<String, AttributeValue> item : items) {
            Map<String, AttributeValue> key = new java.util.HashMap<>();
            keyAttributes.forEach(k -> key.put(k, item.get(k)));
            String ttl = item.get(ttlAttribute).n();
            String mark = StreamRecords.ttlMark(key, ttl);
            marks.put(mark, now);
            try {
                dynamo.deleteItem(r -> r.tableName(table).key(key)
                        .conditionExpression("#t = :ttl")
                        .expressionAttributeNames(Map.of("#t", ttlAttribute))
                        .expressionAttributeValues(Map.of(":ttl", AttributeValue.fromN(ttl))));
                deleted++;
            } catch (ConditionalCheckFailedException e) {
                marks.remove(mark); // changed or deleted meanwhile: no deletion of ours
            }
        }
        if (deleted > 0) {
            LOG.debug("fast TTL deleted {} expired item(s) from {}", deleted, table);
        }
        return deleted;
    }

    /** Whether a REMOVE record without identity is one of this sweeper's TTL deletions (asked by every stream reader). */
    boolean isOwnDeletion(Record record) {
        if (!enabled || record.eventName() != OperationType.REMOVE || record.userIdentity() != null || !record.dynamodb().hasOldImage()) {
            return false;
        }
        for (String attribute : ttlAttributes) {
            AttributeValue ttl = record.dynamodb().oldImage().get(attribute);
            if (ttl != null && ttl.n() != null && marks.containsKey(StreamRecords.ttlMark(record.dynamodb().keys(), ttl.n()))) {
                return true;
            }
        }
        return false;
    }
}
