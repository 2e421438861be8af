package dev.lapse.sweep;

import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.PartialBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        List<String> buckets = new ArrayList<>();
        Instant last = until.truncatedTo(ChronoUnit.MINUTES);
        for (Instant minute = now.minus(LOOKBACK).truncatedTo(ChronoUnit.MINUTES); !minute.isAfter(last); minute = minute.plus(Duration.ofMinutes(1))) {
            for (int shard = 0; shard < DueBuckets.SHARDS; shard++) {
                buckets.add(DueBuckets.bucket(DueBuckets.minute(minute), shard));
            }
        }
        // Each query and each hand-over waits on the network, so they run concurrently (PartialBatch's bounded
        // workers): 31 minutes x 8 shards is 248 queries a sweep at the default horizon, milliseconds each.
        List<PendingJobs.Pending> found = Collections.synchronizedList(new ArrayList<>());
        List<String> unread = PartialBatch.failedIds(buckets, b -> b, b -> found.addAll(index.dueBy(b, until)));
        List<PendingJobs.Pending> due = new ArrayList<>(found);
        due.sort(Comparator.comparing(PendingJobs.Pending::dueAt)); // the earliest first
        List<List<PendingJobs.Pending>> batches = new ArrayList<>();
        for (int from = 0; from < due.size(); from += HandOver.MAX_BATCH) {
            batches.add(due.subList(from, Math.min(due.size(), from + HandOver.MAX_BATCH)));
        }
        AtomicInteger handed = new AtomicInteger();
        AtomicInteger notSent = new AtomicInteger();
        AtomicInteger notMarked = new AtomicInteger();
        PartialBatch.failedIds(batches, b -> b.get(0).jobId(), batch -> {
            List<DueJobsQueue.Message> sent = send(batch);
            for (PendingJobs.Pending job : batch) {
                if (!sent.contains(new DueJobsQueue.Message(job.jobId(), job.occurrenceId(), job.dueAt()))) {
                    notSent.incrementAndGet();
                } else if (marked(job)) {
                    handed.incrementAndGet();
                } else {
                    notMarked.incrementAndGet(); // cancelled or rescheduled since the query: its message will find nothing to take
                }
            }
        });
        if (notSent.get() > 0) {
            LOG.warn("{} of {} due jobs not accepted by the due-jobs queue; the next sweep sends them again", notSent.get(), due.size());
        }
        LOG.info("sweep up to {}: {} found, {} handed to the due-jobs queue", until, due.size(), handed.get());
        if (!unread.isEmpty()) {
            // what was found is handed over; failing the invocation makes the schedule retry it and the errors alarm see it
            throw new IllegalStateException(unread.size() + " of " + buckets.size() + " buckets of the due-time index could not be read (the first: "
                    + unread.get(0) + "); the jobs found in the others were handed over, the next sweep reads these again");
        }
        return new Report(due.size(), handed.get(), notSent.get(), notMarked.get());
    }

    /**
     * Marks a job handed over. A failed call leaves it in the index, so the next sweep sends it again (harmless:
     * its message takes the occurrence once); it counts as not marked.
     */
    private boolean marked(PendingJobs.Pending job) {
        try {
            return index.markHanded(job, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("job {} was handed to the due-jobs queue but not marked ({}); the next sweep sends it again", job.jobId(), e.toString());
            return false;
        }
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
