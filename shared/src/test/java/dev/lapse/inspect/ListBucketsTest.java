package dev.lapse.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listing index's partition key: the due day in UTC and a shard that depends on the job id alone. */
class ListBucketsTest {
    @Test
    void aBucketIsTheDueDayInUtcAndTheJobsShard() {
        Instant due = Instant.parse("2026-12-01T09:00:00Z");
        // CRC-32 of the id's UTF-8 bytes, modulo the shards: 15 for job-1, 11 for invoice-42
        assertThat(ListBuckets.of("job-1", due)).isEqualTo("2026-12-01#15");
        assertThat(ListBuckets.of("invoice-42", due)).isEqualTo("2026-12-01#11");
        assertThat(ListBuckets.of("job-1", OffsetDateTime.parse("2026-12-01T23:30:00-01:00").toInstant()))
                .as("half past midnight UTC: the next day").isEqualTo("2026-12-02#15");
        assertThat(ListBuckets.of("job-1", due.plusSeconds(86_400 * 40))).as("same job, another day: same shard").isEqualTo("2027-01-10#15");
    }

    @Test
    void theShardsOfManyJobsFillEveryShardEvenly() {
        Map<Integer, Integer> perShard = new HashMap<>();
        for (int i = 0; i < 16_000; i++) {
            int shard = ListBuckets.shard("job-" + i);
            assertThat(shard).isBetween(0, ListBuckets.SHARDS - 1);
            perShard.merge(shard, 1, Integer::sum);
        }
        assertThat(perShard).hasSize(ListBuckets.SHARDS);
        assertThat(perShard.values()).allSatisfy(n -> assertThat(n).as("about 1,000 a shard").isBetween(850, 1_150));
    }
}
