package dev.lapse.store;

import dev.lapse.sweep.SweepMarks;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The sweep's mark as one item of the executions table, under a key no occurrence takes ({@value #KEY}: occurrence
 * ids are UUIDs). It has no {@code expiresAt}, so TTL keeps it; each clean sweep overwrites it, a write a minute.
 */
public final class DynamoSweepMarks implements SweepMarks {
    public static final String KEY = "lapse:sweep-mark";
    private static final String KEY_NAME = "occurrenceId";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSweepMarks(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Mark> last() {
        var item = dynamo.getItem(r -> r.tableName(table).key(key()).consistentRead(true)).item();
        if (item == null || !item.containsKey("atMs") || !item.containsKey("horizonSeconds")) {
            return Optional.empty();
        }
        return Optional.of(new Mark(Instant.ofEpochMilli(Long.parseLong(item.get("atMs").n())),
                Duration.ofSeconds(Long.parseLong(item.get("horizonSeconds").n()))));
    }

    /** Written with its reach ({@code untilMs}) too, which the condition compares: a mark never moves back. */
    @Override
    public void record(Mark mark) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(KEY_NAME, AttributeValue.fromS(KEY), "atMs", JobItems.n(mark.at().toEpochMilli()),
                            "untilMs", JobItems.n(mark.until().toEpochMilli()), "horizonSeconds", JobItems.n(mark.horizon().toSeconds())))
                    .conditionExpression("attribute_not_exists(untilMs) OR untilMs < :u")
                    .expressionAttributeValues(Map.of(":u", JobItems.n(mark.until().toEpochMilli()))));
        } catch (ConditionalCheckFailedException e) {
            // a sweep that reached further recorded its mark first: keep it
        }
    }

    private static Map<String, AttributeValue> key() {
        return Map.of(KEY_NAME, AttributeValue.fromS(KEY));
    }
}
