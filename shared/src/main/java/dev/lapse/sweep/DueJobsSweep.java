package dev.lapse.sweep;

import dev.lapse.run.DueJobsQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep, run every minute: hands every job of the due-time index due by now + the horizon to the due-jobs queue
 * (batched, each message delayed until its due time) and marks what the queue accepted, so the next sweep does not
 * send it again. It reads the buckets from {@link #LOOKBACK} before now, so a job whose send failed goes again with
 * the next sweeps; a job still in the index after that (every send failed for 15 minutes) is left to DynamoDB TTL,
 * the safety net. Sending twice is harmless: the queue message takes the job with its occurrence, once.
 */
public final class DueJobsSweep {
    private static final Logger LOG = LoggerFactory.getLogger(DueJobsSweep.class);
    public static final Duration LOOKBACK = Duration.ofMinutes(15);

    /** What one sweep did. */
    public record Report(int found, int handed, int notSent, int notMarked) {
    }

    private final PendingJobs index;
    private final HandOver queue;
    private final Duration horizon;
    private final Clock clock;

    public DueJobsSweep(PendingJobs index, HandOver queue, Duration horizon, Clock clock) {
        this.index = index;
        this.queue = queue;
        this.horizon = horizon;
        this.clock = clock;
    }

    public Report sweep() {
        Instant now = clock.instant();
        Instant until = now.plus(horizon);
        List<PendingJobs.Pending> found = new ArrayList<>();
        Instant last = until.truncatedTo(ChronoUnit.MINUTES);
        for (Instant minute = now.minus(LOOKBACK).truncatedTo(ChronoUnit.MINUTES); !minute.isAfter(last); minute = minute.plus(Duration.ofMinutes(1))) {
            for (int shard = 0; shard < DueBuckets.SHARDS; shard++) {
                found.addAll(index.dueBy(DueBuckets.bucket(DueBuckets.minute(minute), shard), until));
            }
        }
        int handed = 0;
        int notSent = 0;
        int notMarked = 0;
        for (int from = 0; from < found.size(); from += HandOver.MAX_BATCH) {
            List<PendingJobs.Pending> batch = found.subList(from, Math.min(found.size(), from + HandOver.MAX_BATCH));
            List<DueJobsQueue.Message> sent = send(batch);
            for (PendingJobs.Pending job : batch) {
                if (!sent.contains(new DueJobsQueue.Message(job.jobId(), job.occurrenceId(), job.dueAt()))) {
                    notSent++;
                } else if (index.markHanded(job, clock.instant())) {
                    handed++;
                } else {
                    notMarked++; // cancelled or rescheduled since the query: its message will find nothing to take
                }
            }
        }
        if (notSent > 0) {
            LOG.warn("{} of {} due jobs not accepted by the due-jobs queue; the next sweep sends them again", notSent, found.size());
        }
        LOG.info("sweep up to {}: {} found, {} handed to the due-jobs queue", until, found.size(), handed);
        return new Report(found.size(), handed, notSent, notMarked);
    }

    private List<DueJobsQueue.Message> send(List<PendingJobs.Pending> batch) {
        try {
            return queue.send(batch.stream().map(p -> new DueJobsQueue.Message(p.jobId(), p.occurrenceId(), p.dueAt())).toList());
        } catch (RuntimeException e) {
            LOG.warn("a batch of {} due-jobs messages was not sent ({}); the next sweep sends it again", batch.size(), e.toString());
            return List.of();
        }
    }
}
