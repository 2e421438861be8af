package dev.lapse.local;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 *
 * <p>Without fast TTL it still fills one gap of DynamoDB Local (2.6.1): on a table with a global secondary index,
 * DynamoDB Local's sweeper deletes only the expired items that are in the index (that carry its key attributes),
 * where AWS deletes every expired item. So at DynamoDB Local's own pace ({@link #GAP_INTERVAL}) this deletes the
 * expired items that lack an index key, the same way, and leaves every other item to DynamoDB Local.
 */
final class FastTtl {
    private static final Logger LOG = LoggerFactory.getLogger("ttl");
    /** About how often DynamoDB Local's own sweeper runs; the gap is filled at that pace, never faster. */
    static final Duration GAP_INTERVAL = Duration.ofSeconds(10);
    /**
     * After a scan that took d, fast TTL waits at least this many times d: its scans read the whole table on DynamoDB
     * Local's one SQLite thread, so under load (a burst of runs) they take at most a fifth of the store's time.
     */
    static final int PAUSE_PER_SCAN = 4;

    /** One sweep of a table: the expired items it deleted, and how long its scan took. */
    record Swept(int deleted, Duration scanned) {
    }

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

    /** Deletes the expired items of {@code table}. */
    Swept sweep(DynamoDbClient dynamo, String table, String ttlAttribute, List<String> keyAttributes) {
        return enabled ? sweep(dynamo, table, ttlAttribute, keyAttributes, List.of()) : new Swept(0, Duration.ZERO);
    }

    /**
     * How long fast TTL waits before its next sweep: the idle poll interval when it deleted nothing (at once when it
     * did), and never less than {@link #PAUSE_PER_SCAN} × its scans' time.
     */
    static Duration pauseAfter(Duration scanned, boolean deleted, Duration poll) {
        Duration share = scanned.multipliedBy(PAUSE_PER_SCAN);
        Duration idle = deleted ? Duration.ZERO : poll;
        return share.compareTo(idle) > 0 ? share : idle;
    }

    /**
     * Deletes the expired items of {@code table} that DynamoDB Local's own sweeper never deletes: those lacking one of
     * {@code indexKeys} (the key attributes of the table's global secondary indexes); returns how many.
     */
    int fillGap(DynamoDbClient dynamo, String table, String ttlAttribute, List<String> keyAttributes,
            List<String> indexKeys) {
        return indexKeys.isEmpty() ? 0 : sweep(dynamo, table, ttlAttribute, keyAttributes, indexKeys).deleted();
    }

    private Swept sweep(DynamoDbClient dynamo, String table, String ttlAttribute, List<String> keyAttributes,
            List<String> outsideIndexKeys) {
        long now = clock.instant().getEpochSecond();
        ttlAttributes.add(ttlAttribute);
        marks.values().removeIf(at -> at < now - 24 * 3600);
        int deleted = 0;
        Map<String, String> names = new HashMap<>(Map.of("#t", ttlAttribute));
        StringBuilder filter = new StringBuilder("#t <= :now");
        if (!outsideIndexKeys.isEmpty()) {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < outsideIndexKeys.size(); i++) {
                names.put("#k" + i, outsideIndexKeys.get(i));
                missing.add("attribute_not_exists(#k" + i + ")");
            }
            filter.append(" AND (").append(String.join(" OR ", missing)).append(')');
        }
        long started = System.nanoTime();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)
                .filterExpression(filter.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now))))).items().forEach(items::add);
        Duration scanned = Duration.ofNanos(System.nanoTime() - started);
        for (Map<String, AttributeValue> item : items) {
            Map<String, AttributeValue> key = new HashMap<>();
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
            LOG.debug("{} deleted {} expired item(s) from {}", enabled ? "fast TTL" : "TTL (items outside the index)", deleted, table);
        }
        return new Swept(deleted, scanned);
    }

    /** Whether a REMOVE record without identity is one of this sweeper's TTL deletions (asked by every stream reader). */
    boolean isOwnDeletion(Record record) {
        if (record.eventName() != OperationType.REMOVE || record.userIdentity() != null || !record.dynamodb().hasOldImage()) {
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
