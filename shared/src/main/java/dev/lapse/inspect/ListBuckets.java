package dev.lapse.inspect;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.zip.CRC32;

/**
 * The partition key of the listing index ({@code pendingByDue}): {@code <due day, UTC>#<shard>}. Every pending job
 * carries it (unlike the sweep's sparse minute index), so "List Jobs" reads pending jobs in due order, day by day,
 * merging the {@link #SHARDS} shards of a day; sixteen shards keep a burst of 10,000 jobs due the same day within
 * a partition's ~1,000 writes a second.
 */
public final class ListBuckets {
    public static final int SHARDS = 16;

    private ListBuckets() {
    }

    public static String of(String jobId, Instant due) {
        return bucket(day(due), shard(jobId));
    }

    static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    static String bucket(LocalDate day, int shard) {
        return day + "#" + shard;
    }

    static int shard(String jobId) {
        CRC32 crc = new CRC32();
        crc.update(jobId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }
}
