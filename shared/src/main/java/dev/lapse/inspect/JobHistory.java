package dev.lapse.inspect;

import dev.lapse.run.Attempt;
import dev.lapse.run.AttemptObserver;
import dev.lapse.run.JobRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What happened to each job, kept {@code retention} (TTL {@code expiresAt}) in the JobHistory table: one record per
 * attempt that ran, was re-armed for a retry or was dead-lettered, and one per cancellation. Key: {@code jobId} +
 * {@code at} ({@code <ISO time>#<occurrenceId>#<attempt>}), so a job's story is one query. Dead letters not yet replayed
 * also carry {@code deadLetter} (the sparse index {@value #DEAD_LETTERS}), so they are listed without reading the queue.
 */
public final class JobHistory implements AttemptObserver {
    public static final String DEAD_LETTERS = "deadLetters";
    static final String DEAD_LETTER = "deadLetter";
    /** The attempts worth keeping; duplicates, deferrals and early arrivals change nothing a user asks about. */
    static final Set<JobRunner.Outcome> KEPT = Set.of(JobRunner.Outcome.RAN, JobRunner.Outcome.RETRY_SCHEDULED, JobRunner.Outcome.DEAD_LETTERED);

    /** One record of a job's story. */
    public record Entry(String jobId, String jobType, String occurrenceId, int attempt, Instant dueAt, Instant firedAt,
                        long latenessMs, String trigger, String outcome, String detail) {
    }

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
        if (!KEPT.contains(attempt.outcome())) {
            return;
        }
        put(new Entry(attempt.jobId(), attempt.jobType(), attempt.occurrenceId(), attempt.attempt(), attempt.dueAt(), attempt.firedAt(),
                attempt.latenessMs(), attempt.trigger(), attempt.outcome().name(), attempt.detail()));
    }

    /** A cancelled job's last record (the job's item is gone: this is what tells "cancelled" from "never existed"). */
    public void cancelled(String jobId, String jobType, String occurrenceId, Instant dueAt, String by) {
        Instant now = clock.instant();
        put(new Entry(jobId, jobType, occurrenceId, 0, dueAt, now, 0, "cancel", "CANCELLED", "cancelled by " + by));
    }

    private void put(Entry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("jobId", AttributeValue.fromS(e.jobId()));
        item.put("at", AttributeValue.fromS(e.firedAt() + "#" + e.occurrenceId() + "#" + e.attempt()));
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
        if (e.outcome().equals(JobRunner.Outcome.DEAD_LETTERED.name())) {
            item.put(DEAD_LETTER, AttributeValue.fromS("jobs"));
        }
        item.put("expiresAt", AttributeValue.fromN(Long.toString(clock.instant().plus(retention).getEpochSecond())));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    /** A job's story, newest first, at most {@code limit} records. */
    public List<Entry> of(String jobId, int limit) {
        QueryResponse page = dynamo.query(r -> r.tableName(table).keyConditionExpression("jobId = :j")
                .expressionAttributeValues(Map.of(":j", AttributeValue.fromS(jobId))).scanIndexForward(false).limit(limit));
        List<Entry> entries = new ArrayList<>();
        page.items().forEach(item -> entries.add(entry(item)));
        return entries;
    }

    /** Dead letters not yet replayed, newest first, after {@code afterAt} (the sort key of the last one listed). */
    public List<Map.Entry<String, Entry>> deadLetters(int limit, Optional<Map<String, AttributeValue>> after) {
        QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(DEAD_LETTERS)
                .keyConditionExpression("#d = :d").expressionAttributeNames(Map.of("#d", DEAD_LETTER))
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromS("jobs"))).scanIndexForward(false).limit(limit)
                .exclusiveStartKey(after.orElse(null)));
        List<Map.Entry<String, Entry>> entries = new ArrayList<>();
        page.items().forEach(item -> entries.add(Map.entry(item.get("at").s(), entry(item))));
        return entries;
    }

    /** The replay put the occurrence's job back: its dead letter leaves the list (its record stays in the story). */
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
