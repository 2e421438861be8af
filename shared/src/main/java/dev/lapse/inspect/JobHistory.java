package dev.lapse.inspect;

import dev.lapse.run.Attempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link History} in the JobHistory table, each record kept {@code retention} (TTL {@code expiresAt}). Key: {@code jobId}
 * + {@code at} ({@link Entry#at()}), so a job's story is one query. Dead letters not yet replayed also carry
 * {@code deadLetter} (the sparse index {@value #DEAD_LETTERS}), so they are listed without reading the queue.
 */
public final class JobHistory implements History {
    public static final String DEAD_LETTERS = "deadLetters";
    static final String DEAD_LETTER = "deadLetter";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    public JobHistory(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
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
        dynamo.putItem(r -> r.tableName(table).item(item));
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
