package dev.lapse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/** The local TTL sweeper on DynamoDB Local in-process: fast TTL, and the gap DynamoDB Local leaves on indexed tables. */
class FastTtlTest {
    private AmazonDynamoDBLocal local;
    private DynamoDbClient dynamo;
    private final long expired = Clock.systemUTC().instant().getEpochSecond() - 5;
    private final long later = expired + 3600;

    @BeforeEach
    void table() {
        local = DynamoDBEmbedded.create(true);
        dynamo = local.dynamoDbClient();
        dynamo.createTable(r -> r.tableName("jobs").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("jobId").attributeType("S"), a -> a.attributeName("bucket").attributeType("S"),
                        a -> a.attributeName("dueMs").attributeType("N"))
                .keySchema(k -> k.attributeName("jobId").keyType("HASH"))
                .globalSecondaryIndexes(i -> i.indexName("due").keySchema(k -> k.attributeName("bucket").keyType("HASH"),
                        k -> k.attributeName("dueMs").keyType("RANGE")).projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))));
        put("expired-outside-index", expired, false);
        put("expired-in-index", expired, true);
        put("later-outside-index", later, false);
    }

    @AfterEach
    void stop() {
        local.shutdownNow();
    }

    @Test
    void withoutFastTtlOnlyTheExpiredItemsOutsideTheIndexAreDeletedAndTheirRemoveCarriesTheTtlIdentity() {
        FastTtl ttl = new FastTtl(false, Clock.systemUTC());
        assertEquals(new FastTtl.Swept(0, Duration.ZERO), ttl.sweep(dynamo, "jobs", "ttl", List.of("jobId")), "fast TTL is off");
        assertEquals(1, ttl.fillGap(dynamo, "jobs", "ttl", List.of("jobId"), List.of("bucket", "dueMs")));
        assertEquals(Set.of("expired-in-index", "later-outside-index"), ids());
        assertTrue(ttl.isOwnDeletion(remove("expired-outside-index", expired)));
        assertFalse(ttl.isOwnDeletion(remove("expired-in-index", expired)), "left to DynamoDB Local, which marks its own");
        assertFalse(ttl.isOwnDeletion(remove("expired-outside-index", expired + 1)), "another TTL value is another item");
    }

    @Test
    void aTableWithoutIndexIsLeftToDynamoDbLocal() {
        FastTtl ttl = new FastTtl(false, Clock.systemUTC());
        assertEquals(0, ttl.fillGap(dynamo, "jobs", "ttl", List.of("jobId"), List.of()));
        assertEquals(3, ids().size());
    }

    @Test
    void fastTtlDeletesEveryExpiredItemAndNothingElse() {
        FastTtl ttl = new FastTtl(true, Clock.systemUTC());
        FastTtl.Swept swept = ttl.sweep(dynamo, "jobs", "ttl", List.of("jobId"));
        assertEquals(2, swept.deleted());
        assertTrue(swept.scanned().compareTo(Duration.ZERO) > 0, "the scan's time is measured: " + swept);
        assertEquals(Set.of("later-outside-index"), ids());
        assertTrue(ttl.isOwnDeletion(remove("expired-in-index", expired)));
        assertEquals(0, ttl.sweep(dynamo, "jobs", "ttl", List.of("jobId")).deleted(), "nothing expired is left");
    }

    @Test
    void fastTtlWaitsThePollIntervalWhenIdleGoesOnAtOnceAfterDeletionsAndNeverScansMoreThanAFifthOfTheTime() {
        Duration poll = Duration.ofMillis(100);
        assertEquals(poll, FastTtl.pauseAfter(Duration.ofMillis(12), false, poll), "a quick scan that found nothing: the poll interval");
        assertEquals(Duration.ofMillis(48), FastTtl.pauseAfter(Duration.ofMillis(12), true, poll), "it deleted: 4 × the scan, not the poll");
        assertEquals(Duration.ofMillis(1_200), FastTtl.pauseAfter(Duration.ofMillis(300), false, poll), "a slow scan (a busy store): 4 × its time");
        assertEquals(Duration.ofMillis(1_200), FastTtl.pauseAfter(Duration.ofMillis(300), true, poll));
        assertEquals(poll, FastTtl.pauseAfter(Duration.ofMillis(25), false, poll), "4 × 25 ms is the poll interval itself");
        assertEquals(Duration.ZERO, FastTtl.pauseAfter(Duration.ZERO, true, poll));
    }

    private void put(String id, long ttl, boolean indexed) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of("jobId", AttributeValue.fromS(id), "ttl", AttributeValue.fromN(Long.toString(ttl))));
        if (indexed) {
            item.put("bucket", AttributeValue.fromS("b#0"));
            item.put("dueMs", AttributeValue.fromN("1"));
        }
        dynamo.putItem(r -> r.tableName("jobs").item(item));
    }

    private Set<String> ids() {
        return dynamo.scan(r -> r.tableName("jobs")).items().stream().map(i -> i.get("jobId").s()).collect(Collectors.toSet());
    }

    private static Record remove(String id, long ttl) {
        return Record.builder().eventName(OperationType.REMOVE).dynamodb(StreamRecord.builder()
                .keys(Map.of("jobId", AttributeValue.fromS(id)))
                .oldImage(Map.of("jobId", AttributeValue.fromS(id), "ttl", AttributeValue.fromN(Long.toString(ttl)))).build()).build();
    }
}
