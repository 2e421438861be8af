package dev.lapse.inspect;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link Listing} on the Jobs table's {@value #INDEX} index (queries only, never a scan): for each day of the window, the
 * {@link ListBuckets#SHARDS} shards are queried from the cursor on and merged by (due time, job id).
 */
public final class PendingListing implements Listing {
    public static final String INDEX = "pendingByDue";
    public static final String LIST_BUCKET = "listBucket";

    private final DynamoDbClient dynamo;
    private final String table;

    public PendingListing(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Page page(Instant from, Instant to, Optional<String> jobType, int limit, Optional<Cursor> after) {
        List<Listed> found = new ArrayList<>();
        long lo = after.map(Cursor::dueEpochMs).orElse(from.toEpochMilli());
        for (LocalDate day = ListBuckets.day(Instant.ofEpochMilli(lo)); !day.isAfter(ListBuckets.day(to)); day = day.plusDays(1)) {
            for (int shard = 0; shard < ListBuckets.SHARDS; shard++) {
                found.addAll(shard(ListBuckets.bucket(day, shard), lo, to.toEpochMilli(), jobType, limit, after));
            }
            if (found.size() > limit) {
                break;
            }
        }
        return Page.of(found, limit);
    }

    /** Up to {@code limit} + 1 jobs of one shard, in due order, past the cursor (so the merge knows whether more follow). */
    private List<Listed> shard(String bucket, long lo, long hi, Optional<String> jobType, int limit, Optional<Cursor> after) {
        List<Listed> listed = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, String> names = new HashMap<>(Map.of("#b", LIST_BUCKET, "#d", "dueEpochMs"));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":b", AttributeValue.fromS(bucket),
                    ":lo", AttributeValue.fromN(Long.toString(lo)), ":hi", AttributeValue.fromN(Long.toString(hi))));
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(INDEX)
                    .keyConditionExpression("#b = :b AND #d BETWEEN :lo AND :hi").exclusiveStartKey(start).limit(limit + 1);
            if (jobType.isPresent()) {
                names.put("#t", "jobType");
                values.put(":t", AttributeValue.fromS(jobType.get()));
                query.filterExpression("#t = :t");
            }
            QueryResponse page = dynamo.query(query.expressionAttributeNames(names).expressionAttributeValues(values).build());
            for (Map<String, AttributeValue> item : page.items()) {
                Listed job = new Listed(item.get("jobId").s(), item.get("jobType").s(), Instant.parse(item.get("dueAt").s()),
                        Long.parseLong(item.get("dueEpochMs").n()), item.get("occurrenceId").s(), Integer.parseInt(item.get("attempt").n()),
                        item.containsKey("series") ? item.get("series").s() : null);
                if (after.map(job::isAfter).orElse(true)) {
                    listed.add(job);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && listed.size() <= limit);
        return listed;
    }
}
