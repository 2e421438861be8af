package dev.lapse.store;

import dev.lapse.sweep.PendingJobs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The due-time index of the Jobs table (GSI {@value #INDEX}: {@code dueBucket}, {@code dueEpochMs}). It is sparse: only
 * the jobs the sweep must still hand over carry {@code dueBucket}, and marking one handed removes it.
 */
public final class DueIndex implements PendingJobs {
    public static final String INDEX = "dueTime";

    private final DynamoDbClient dynamo;
    private final String table;

    public DueIndex(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<Pending> dueBy(String bucket, Instant until) {
        List<Pending> pending = new ArrayList<>();
        Map<String, AttributeValue> from = null;
        do {
            Map<String, AttributeValue> start = from;
            QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(INDEX)
                    .keyConditionExpression("#b = :b AND #d <= :until")
                    .expressionAttributeNames(Map.of("#b", JobItems.DUE_BUCKET, "#d", JobItems.DUE_EPOCH_MS))
                    .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(bucket), ":until", JobItems.n(until.toEpochMilli())))
                    .exclusiveStartKey(start));
            for (Map<String, AttributeValue> item : page.items()) {
                pending.add(new Pending(item.get(JobItems.JOB_ID).s(), item.get(JobItems.OCCURRENCE).s(),
                        Instant.parse(item.get(JobItems.DUE_AT).s())));
            }
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null);
        return pending;
    }

    @Override
    public boolean markHanded(Pending job, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(Map.of(JobItems.JOB_ID, AttributeValue.fromS(job.jobId())))
                    .conditionExpression("#o = :o AND attribute_exists(#b)")
                    .updateExpression("REMOVE #b SET #h = :at")
                    .expressionAttributeNames(Map.of("#o", JobItems.OCCURRENCE, "#b", JobItems.DUE_BUCKET, "#h", JobItems.HANDED_AT))
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(job.occurrenceId()), ":at", AttributeValue.fromS(at.toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
