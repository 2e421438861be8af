package dev.lapse.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import dev.lapse.run.PartialBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** How {@link JobHistory} writes its records: joined into BatchWriteItem calls, what DynamoDB leaves unprocessed written again. */
class JobHistoryWritesTest {
    static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    /**
     * A table taking BatchWriteItem and PutItem calls; the records in {@code throttled} (by "job@attempt") are left
     * unprocessed, or their PutItem refused as throttled, that many more calls each.
     */
    static class Table implements DynamoDbClient {
        final List<List<Map<String, AttributeValue>>> calls = Collections.synchronizedList(new ArrayList<>());
        final List<Map<String, AttributeValue>> puts = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Map<String, AttributeValue>> items = new ConcurrentHashMap<>();
        final Map<String, Integer> throttled = new ConcurrentHashMap<>();
        final Set<String> tables = ConcurrentHashMap.newKeySet();
        volatile RuntimeException failure;

        static String name(Map<String, AttributeValue> item) {
            return item.get("jobId").s() + "@" + item.get("attempt").n();
        }

        /** Whether the record is throttled this time (and one time less from now on). */
        boolean throttles(Map<String, AttributeValue> item) {
            return throttled.computeIfPresent(name(item), (k, n) -> n - 1) != null && throttled.get(name(item)) >= 0;
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            if (failure != null) {
                throw failure;
            }
            tables.addAll(request.requestItems().keySet());
            List<WriteRequest> asked = request.requestItems().values().iterator().next();
            calls.add(asked.stream().map(w -> w.putRequest().item()).toList());
            List<WriteRequest> left = new ArrayList<>();
            for (WriteRequest w : asked) {
                if (throttles(w.putRequest().item())) {
                    left.add(w);
                } else {
                    items.put(name(w.putRequest().item()), w.putRequest().item());
                }
            }
            var response = BatchWriteItemResponse.builder();
            return (left.isEmpty() ? response.unprocessedItems(Map.of()) : response.unprocessedItems(Map.of("History", left))).build();
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            puts.add(request.item());
            if (throttles(request.item())) {
                throw ProvisionedThroughputExceededException.builder().message("throttled").build();
            }
            items.put(name(request.item()), request.item());
            return PutItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    final Table table = new Table();
    final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    final JobHistory history = new JobHistory(table, "History", Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC), pauses::add);

    static Attempt ran(String jobId) {
        return new Attempt(jobId, "report", jobId + "#occ", 1, "due-jobs-queue", NOW.minusSeconds(1), NOW, JobRunner.Outcome.RAN, "done");
    }

    static List<String> jobs(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("job-" + i);
        }
        return ids;
    }

    @Test
    void aRecordOutsideABatchIsOneCallOfOneItemWithEveryField() {
        history.observe(ran("job-1"));

        assertThat(table.calls).hasSize(1);
        assertThat(table.tables).containsExactly("History");
        Map<String, AttributeValue> item = table.items.get("job-1@1");
        assertThat(item.get("at").s()).isEqualTo(History.Entry.of(ran("job-1")).at());
        assertThat(item.get("occurrenceId").s()).isEqualTo("job-1#occ");
        assertThat(item.get("outcome").s()).isEqualTo("RAN");
        assertThat(item.get("latenessMs").n()).isEqualTo("1000");
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(NOW.plus(Duration.ofDays(7)).getEpochSecond()));
        assertThat(item.get("detail").s()).isEqualTo("done");
        assertThat(item).doesNotContainKey(JobHistory.DEAD_LETTER);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aDeadLetterIsMarkedForItsIndexAndAnAttemptWithoutDetailHasNone() {
        history.observe(new Attempt("job-1", "report", "occ", 3, "ttl", NOW, NOW, JobRunner.Outcome.DEAD_LETTERED, "failed 3 times"));
        history.observe(new Attempt("job-2", "report", "occ", 1, "ttl", NOW, NOW, JobRunner.Outcome.RAN, null));

        assertThat(table.items.get("job-1@3").get(JobHistory.DEAD_LETTER).s()).isEqualTo("jobs");
        assertThat(table.items.get("job-2@1")).doesNotContainKeys("detail", JobHistory.DEAD_LETTER);
    }

    @Test
    void theRecordsOfABatchShareOneCall() {
        List<String> ids = jobs(PartialBatch.CONCURRENCY);

        assertThat(PartialBatch.failedIds(ids, id -> id, id -> history.observe(ran(id)))).isEmpty();

        assertThat(table.calls).hasSize(1);
        assertThat(table.calls.get(0)).hasSize(ids.size());
        assertThat(table.items.keySet()).containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> id + "@1").toList());
    }

    @Test
    void aCancellationIsARecordOfItsOwnAtTheClocksTime() {
        history.cancelled("job-1", "report", "occ-1", NOW.plusSeconds(60), "api");

        Map<String, AttributeValue> item = table.items.get("job-1@0");
        assertThat(item.get("outcome").s()).isEqualTo("CANCELLED");
        assertThat(item.get("trigger").s()).isEqualTo("cancel");
        assertThat(item.get("firedAt").s()).isEqualTo(NOW.toString());
        assertThat(item.get("detail").s()).isEqualTo("cancelled by api");
    }

    @Test
    void attemptsThatAreNotKeptWriteNothing() {
        history.observe(new Attempt("job-1", "report", "occ", 1, "ttl", NOW, NOW, JobRunner.Outcome.DUPLICATE, "ran before"));

        assertThat(table.calls).isEmpty();
    }

    @Test
    void whatDynamoDbLeavesUnprocessedIsWrittenAgainAndOnlyThat() {
        table.throttled.put("job-2@1", JobHistory.WRITE_TRIES - 1);

        assertThat(PartialBatch.failedIds(jobs(3), id -> id, id -> history.observe(ran(id)))).isEmpty();

        assertThat(table.calls).hasSize(JobHistory.WRITE_TRIES);
        assertThat(table.calls.get(0)).hasSize(3);
        assertThat(table.calls.subList(1, table.calls.size())).allSatisfy(call ->
                assertThat(call).extracting(item -> item.get("jobId").s()).containsExactly("job-2"));
        assertThat(table.items).containsOnlyKeys("job-1@1", "job-2@1", "job-3@1");
        assertThat(table.puts).isEmpty();
        assertThat(pauses).containsExactly(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void aRecordStillUnprocessedAfterEveryBatchCallIsPutOnItsOwnWithTheSdksRetries() {
        table.throttled.put("job-2@1", JobHistory.WRITE_TRIES);

        assertThat(PartialBatch.failedIds(jobs(3), id -> id, id -> history.observe(ran(id)))).isEmpty();

        assertThat(table.calls).hasSize(JobHistory.WRITE_TRIES);
        assertThat(table.puts).extracting(Table::name).containsExactly("job-2@1");
        assertThat(table.items).containsOnlyKeys("job-1@1", "job-2@1", "job-3@1");
    }

    @Test
    void aRecordThatCannotBeWrittenAtAllFailsItsOwnJobAloneWithTheReason() {
        table.throttled.put("job-2@1", JobHistory.WRITE_TRIES + 1);

        assertThat(PartialBatch.failedIds(jobs(3), id -> id, id -> history.observe(ran(id)))).containsExactly("job-2");
        assertThatThrownBy(() -> {
            table.throttled.put("job-9@1", JobHistory.WRITE_TRIES + 1);
            history.observe(ran("job-9"));
        }).hasMessageContaining("job job-9's history record (RAN at " + History.Entry.of(ran("job-9")).at() + ") was not written")
                .hasMessageContaining("left unprocessed by " + JobHistory.WRITE_TRIES + " BatchWriteItem calls, then PutItem failed")
                .hasMessageContaining("throttled");
        assertThat(table.items).containsOnlyKeys("job-1@1", "job-3@1");
    }

    @Test
    void twoRecordsOfOneJobInOneCallAreToldApartByTheirKeys() {
        Attempt first = new Attempt("job-1", "report", "occ", 1, "ttl", NOW.minusSeconds(2), NOW.minusSeconds(1), JobRunner.Outcome.RETRY_SCHEDULED, "boom");
        Attempt second = new Attempt("job-1", "report", "occ", 2, "ttl", NOW.minusSeconds(2), NOW, JobRunner.Outcome.RAN, "done");
        table.throttled.put("job-1@2", JobHistory.WRITE_TRIES + 1);

        List<Attempt> both = List.of(first, second);
        assertThat(PartialBatch.failedIds(both, a -> a.jobId() + "@" + a.attempt(), a -> history.observe(a))).containsExactly("job-1@2");

        assertThat(table.calls.get(0)).hasSize(2);
        assertThat(table.items).containsOnlyKeys("job-1@1");
    }

    @Test
    void theSameRecordTwiceInOneCallIsWrittenOnce() {
        List<String> twice = List.of("a", "b");

        assertThat(PartialBatch.failedIds(twice, id -> id, id -> history.observe(ran("job-1")))).isEmpty();

        assertThat(table.calls).hasSize(1);
        assertThat(table.calls.get(0)).hasSize(1);
        assertThat(table.items).containsOnlyKeys("job-1@1");
    }

    @Test
    void aCallThatFailsAsAWholeFailsEveryRecordInIt() {
        table.failure = new IllegalStateException("DynamoDB unavailable");

        assertThat(PartialBatch.failedIds(jobs(3), id -> id, id -> history.observe(ran(id)))).containsExactly("job-1", "job-2", "job-3");
        assertThat(table.items).isEmpty();
    }
}
