package dev.lapse.sweep;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.zip.CRC32;

/**
 * The partition key of the due-time index: {@code <dueMinute>#<shard>}, the shard a stable hash of the jobId.
 * Eight shards spread one minute over eight index partitions: a partition takes about 1,000 writes a second, so a
 * minute keeps up with 8,000 jobs scheduled a second for the same minute, while a sweep costs only eight queries per
 * minute of its window (most of them empty and billed at the minimum).
 */
public final class DueBuckets {
    public static final int SHARDS = 8;
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    private DueBuckets() {
    }

    /** The minute of {@code due}, as the Jobs items write it ({@code dueMinute}). */
    public static String minute(Instant due) {
        return MINUTE.format(due.truncatedTo(ChronoUnit.MINUTES));
    }

    /** The index bucket of a job. */
    public static String of(String jobId, Instant due) {
        return bucket(minute(due), shard(jobId));
    }

    public static String bucket(String minute, int shard) {
        return minute + "#" + shard;
    }

    /** A stable shard of a jobId (CRC-32 of its UTF-8 bytes), from 0 to {@link #SHARDS} - 1. */
    public static int shard(String jobId) {
        CRC32 crc = new CRC32();
        crc.update(jobId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }
}
