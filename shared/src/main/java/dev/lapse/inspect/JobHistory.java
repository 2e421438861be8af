package dev.lapse.inspect;

import dev.lapse.run.Attempt;
import dev.lapse.run.RecordBatch;
import dev.lapse.run.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link History} in the JobHistory table, each record kept {@code retention} (TTL {@code expiresAt}). Key: {@code jobId}
 * + {@code at} ({@link Entry#at()}), so a job's story is one query. Dead letters not yet replayed also carry
 * {@code deadLetter} (the sparse index {@value #DEAD_LETTERS}), so they are listed without reading the queue.
 *
 * <p>Records are plain puts, so within a batch of records ({@link RecordBatch}) they join one {@code BatchWriteItem}
 * call (up to {@value #MAX_WRITES} items), as the batch's events join one PutEvents call: a burst's records cost one
 * DynamoDB request per wave of the batch, not one per job (the write units are the same). What DynamoDB leaves
 * unprocessed goes again, then, if still left, as a PutItem of its own with the SDK's retries for throttling.
 */
public final class JobHistory implements History {
    public static final String DEAD_LETTERS = "deadLetters";
    static final String DEAD_LETTER = "deadLetter";
    /** The most items one BatchWriteItem call takes. */
    static final int MAX_WRITES = 25;
    /** BatchWriteItem calls made for the items DynamoDB leaves unprocessed (throttled), the first included, with {@link #RETRY_PAUSE} doubling between. */
    static final int WRITE_TRIES = 4;
    static final Duration RETRY_PAUSE = Duration.ofMillis(25);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;
    private final Waiter waiter;
    private final RecordBatch.Call<Map<String, AttributeValue>, String> writes = this::writeAll;

    public JobHistory(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this(dynamo, table, retention, clock, Waiter.SLEEP);
    }

    /** With the waiter that waits between the calls for unprocessed items (a test's records the pauses). */
    public JobHistory(DynamoDbClient dynamo, String table, Duration retention, Clock clock, Waiter waiter) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
        this.waiter = waiter;
    }

    @Override
    public void observe(Attempt attempt) {
        if (KEPT.contains(attempt.outcome())) {
            put(Entry.of(attempt));
        }
    }

    @Override
    public void cancelled(String jobId, String jobType, String occurrenceId, Instant dueAt, String by) {
        put(Entry.cancellation(jobId, jobType, occurrenceId, dueAt, clock.instant(), by));
    }

    private void put(Entry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("jobId", AttributeValue.fromS(e.jobId()));
        item.put("at", AttributeValue.fromS(e.at()));
        item.put("jobType", AttributeValue.fromS(e.jobType()));
        item.put("occurrenceId", AttributeValue.fromS(e.occurrenceId()));
        item.put("attempt", AttributeValue.fromN(Integer.toString(e.attempt())));
        item.put("dueAt", AttributeValue.fromS(e.dueAt().toString()));
        item.put("firedAt", AttributeValue.fromS(e.firedAt().toString()));
        item.put("latenessMs", AttributeValue.fromN(Long.toString(e.latenessMs())));
        item.put("trigger", AttributeValue.fromS(e.trigger()));
        item.put("outcome", AttributeValue.fromS(e.outcome()));
        if (e.detail() != null) {
            item.put("detail", AttributeValue.fromS(e.detail()));
        }
        if (e.isDeadLetter()) {
            item.put(DEAD_LETTER, AttributeValue.fromS("jobs"));
        }
        item.put("expiresAt", AttributeValue.fromN(Long.toString(clock.instant().plus(retention).getEpochSecond())));
        String failure = RecordBatch.join(writes, item, MAX_WRITES);
        if (failure != null) {
            throw new IllegalStateException("job " + e.jobId() + "'s history record (" + e.outcome() + " at " + e.at() + ") was not written: " + failure);
        }
    }

    /**
     * One BatchWriteItem call, and again for what DynamoDB left unprocessed (throttled: the SDK does not retry those);
     * an item still left after {@link #WRITE_TRIES} calls is put on its own, so that the SDK's own retries for
     * throttling apply to it as they did when every record was a PutItem. Items with the same key (none are expected:
     * the key holds the job, the time it was taken up and its attempt) go once, the last one, as PutItems one after the
     * other would leave it; a call that fails as a whole fails every record in it. Answers, per item in order, null once
     * written or why not.
     */
    private List<String> writeAll(List<Map<String, AttributeValue>> items) {
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> byKey = new LinkedHashMap<>();
        items.forEach(item -> byKey.put(key(item), item));
        List<WriteRequest> pending = byKey.values().stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList();
        for (int tryNo = 1; tryNo <= WRITE_TRIES && !pending.isEmpty(); tryNo++) {
            if (tryNo > 1) {
                waiter.waitFor(RETRY_PAUSE.multipliedBy(1L << (tryNo - 2)));
            }
            List<WriteRequest> asked = pending;
            var response = dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, asked)));
            pending = response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
        }
        Map<Map<String, AttributeValue>, String> failed = new HashMap<>();
        for (WriteRequest left : pending) {
            Map<String, AttributeValue> item = left.putRequest().item();
            try {
                dynamo.putItem(r -> r.tableName(table).item(item));
            } catch (RuntimeException e) {
                failed.put(key(item), "left unprocessed by " + WRITE_TRIES + " BatchWriteItem calls, then PutItem failed: " + e);
            }
        }
        List<String> results = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            results.add(failed.get(key(item)));
        }
        return results;
    }

    private static Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
        return Map.of("jobId", item.get("jobId"), "at", item.get("at"));
    }

    @Override
    public List<Entry> of(String jobId, int limit) {
        QueryResponse page = dynamo.query(r -> r.tableName(table).keyConditionExpression("jobId = :j")
                .expressionAttributeValues(Map.of(":j", AttributeValue.fromS(jobId))).scanIndexForward(false).limit(limit));
        List<Entry> entries = new ArrayList<>();
        page.items().forEach(item -> entries.add(entry(item)));
        return entries;
    }

    @Override
    public List<DeadLetter> deadLetters(int limit, Optional<Position> after) {
        Map<String, AttributeValue> start = after.map(p -> Map.of("jobId", AttributeValue.fromS(p.jobId()), "at", AttributeValue.fromS(p.at()),
                DEAD_LETTER, AttributeValue.fromS("jobs"))).orElse(null);
        QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(DEAD_LETTERS)
                .keyConditionExpression("#d = :d").expressionAttributeNames(Map.of("#d", DEAD_LETTER))
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromS("jobs"))).scanIndexForward(false).limit(limit)
                .exclusiveStartKey(start));
        List<DeadLetter> entries = new ArrayList<>();
        page.items().forEach(item -> entries.add(new DeadLetter(entry(item))));
        return entries;
    }

    @Override
    public void replayed(String jobId, String occurrenceId) {
        for (Map<String, AttributeValue> item : dynamo.query(r -> r.tableName(table).keyConditionExpression("jobId = :j")
                .filterExpression("occurrenceId = :o AND attribute_exists(#d)").expressionAttributeNames(Map.of("#d", DEAD_LETTER))
                .expressionAttributeValues(Map.of(":j", AttributeValue.fromS(jobId), ":o", AttributeValue.fromS(occurrenceId)))).items()) {
            dynamo.updateItem(r -> r.tableName(table).key(Map.of("jobId", item.get("jobId"), "at", item.get("at")))
                    .updateExpression("REMOVE #d SET replayedAt = :now").expressionAttributeNames(Map.of("#d", DEAD_LETTER))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(clock.instant().toString()))));
        }
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        return new Entry(item.get("jobId").s(), item.get("jobType").s(), item.get("occurrenceId").s(), Integer.parseInt(item.get("attempt").n()),
                Instant.parse(item.get("dueAt").s()), Instant.parse(item.get("firedAt").s()), Long.parseLong(item.get("latenessMs").n()),
                item.get("trigger").s(), item.get("outcome").s(), item.containsKey("detail") ? item.get("detail").s() : null);
    }
}
