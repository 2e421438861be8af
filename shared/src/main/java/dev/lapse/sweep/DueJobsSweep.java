package dev.lapse.sweep;

import dev.lapse.json.Json;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.PartialBatch;
import dev.lapse.run.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep, run every minute: hands every job of the due-time index due by now + the horizon to the due-jobs queue
 * (batched, each message delayed until its due time) and marks what the queue accepted, so the next sweep does not
 * send it again. Sending twice is harmless: the queue message takes the job with its occurrence, once. Each call is
 * sent at the instant within the next second that makes its messages arrive just before their due times
 * ({@link HandOver#sendAt}): SQS delays are whole seconds, so the instant of sending sets where in its second a message
 * arrives.
 *
 * <p>Which buckets it reads: a job enters the index only when it is written due beyond the horizon (later than its
 * write + the horizon), so after a clean sweep (every bucket read, every job found accepted by the queue) nothing new
 * can appear before that sweep's reach ({@link SweepMarks.Mark#until()}). The next sweep reads from that reach less
 * {@link #MARGIN} (for a write that reached the index late) to its own: 3-4 minutes of buckets instead of 31.
 * It reads the whole window, from {@link #LOOKBACK} before now, when there is no mark, the mark is older than that or
 * was made with another horizon, and at every quarter hour ({@link #FULL_EVERY}), whatever the mark says. So a job
 * whose send failed goes again with the next sweeps (an unclean sweep records no mark), and a job still in the index
 * after 15 minutes of failures is left to DynamoDB TTL, the safety net.
 */
public final class DueJobsSweep {
    private static final Logger LOG = LoggerFactory.getLogger(DueJobsSweep.class);
    public static final Duration LOOKBACK = Duration.ofMinutes(15);
    /** A sweep at a minute of the hour divisible by this reads the whole window. */
    public static final Duration FULL_EVERY = Duration.ofMinutes(15);
    /** How far before the last mark's reach a sweep starts reading. */
    public static final Duration MARGIN = Duration.ofMinutes(2);
    /** How far apart the sending instants of the jobs of one call may be. */
    public static final Duration BATCH_SPAN = Duration.ofMillis(25);

    /** What one sweep did, and how many buckets it read. */
    public record Report(int found, int handed, int notSent, int notMarked, int buckets) {
        /** The sweep function's answer: this report as a JSON object. */
        public String json() {
            return Json.write(Json.MAPPER.valueToTree(this));
        }
    }

    private final PendingJobs index;
    private final HandOver queue;
    private final Duration horizon;
    private final Clock clock;
    private final SweepMarks marks;
    private final Waiter waiter;

    /** A sweep without memory: every sweep reads the whole window. */
    public DueJobsSweep(PendingJobs index, HandOver queue, Duration horizon, Clock clock) {
        this(index, queue, horizon, clock, SweepMarks.NONE);
    }

    public DueJobsSweep(PendingJobs index, HandOver queue, Duration horizon, Clock clock, SweepMarks marks) {
        this(index, queue, horizon, clock, marks, Waiter.SLEEP);
    }

    /** With the waiter that waits for each call's sending instant (a test's advances its clock). */
    public DueJobsSweep(PendingJobs index, HandOver queue, Duration horizon, Clock clock, SweepMarks marks, Waiter waiter) {
        this.index = index;
        this.queue = queue;
        this.horizon = horizon;
        this.clock = clock;
        this.marks = marks;
        this.waiter = waiter;
    }

    /** Where this sweep starts reading: after the last mark's reach less the margin, or {@link #LOOKBACK} before now. */
    Instant from(Instant now) {
        Instant full = now.minus(LOOKBACK);
        if (now.atZone(java.time.ZoneOffset.UTC).getMinute() % FULL_EVERY.toMinutes() == 0) {
            return full;
        }
        Optional<SweepMarks.Mark> mark;
        try {
            mark = marks.last();
        } catch (RuntimeException e) {
            LOG.warn("the last sweep's mark could not be read ({}); this sweep reads the whole window", e.toString());
            return full;
        }
        return mark.filter(m -> m.horizon().equals(horizon) && !m.at().isBefore(full) && !m.at().isAfter(now.plus(MARGIN)))
                .map(m -> m.until().minus(MARGIN)).filter(start -> start.isAfter(full)).orElse(full);
    }

    public Report sweep() {
        Instant now = clock.instant();
        Instant until = now.plus(horizon);
        List<String> buckets = new ArrayList<>();
        Instant last = until.truncatedTo(ChronoUnit.MINUTES);
        for (Instant minute = from(now).truncatedTo(ChronoUnit.MINUTES); !minute.isAfter(last); minute = minute.plus(Duration.ofMinutes(1))) {
            for (int shard = 0; shard < DueBuckets.SHARDS; shard++) {
                buckets.add(DueBuckets.bucket(DueBuckets.minute(minute), shard));
            }
        }
        // Each query and each hand-over waits on the network, so they run concurrently (PartialBatch's bounded
        // workers): a whole window is 31 minutes x 8 shards, 248 queries at the default horizon, milliseconds each.
        List<PendingJobs.Pending> found = Collections.synchronizedList(new ArrayList<>());
        List<String> unread = PartialBatch.failedIds(buckets, b -> b, b -> found.addAll(index.dueBy(b, until)));
        List<PendingJobs.Pending> due = new ArrayList<>(found);
        List<Batch> batches = batches(due, clock.instant());
        AtomicInteger handed = new AtomicInteger();
        AtomicInteger notSent = new AtomicInteger();
        AtomicInteger notMarked = new AtomicInteger();
        // first every call at its instant, then the marks: a mark is a write per job, and waiting for them would
        // make the later calls miss their instants
        List<PendingJobs.Pending> accepted = Collections.synchronizedList(new ArrayList<>());
        PartialBatch.failedIds(batches, b -> b.jobs().get(0).jobId(), batch -> {
            Duration early = Duration.between(clock.instant(), batch.at());
            if (early.compareTo(Duration.ZERO) > 0) {
                waiter.waitFor(early);
            }
            List<DueJobsQueue.Message> sent = send(batch.jobs());
            for (PendingJobs.Pending job : batch.jobs()) {
                if (sent.contains(new DueJobsQueue.Message(job.jobId(), job.occurrenceId(), job.dueAt()))) {
                    accepted.add(job);
                } else {
                    notSent.incrementAndGet();
                }
            }
        });
        PartialBatch.failedIds(List.copyOf(accepted), PendingJobs.Pending::jobId, job -> {
            if (marked(job)) {
                handed.incrementAndGet();
            } else {
                notMarked.incrementAndGet(); // cancelled or rescheduled since the query: its message will find nothing to take
            }
        });
        if (notSent.get() > 0) {
            LOG.warn("{} of {} due jobs not accepted by the due-jobs queue; the next sweep sends them again", notSent.get(), due.size());
        }
        LOG.info("sweep up to {} ({} buckets): {} found, {} handed to the due-jobs queue", until, buckets.size(), due.size(), handed.get());
        if (unread.isEmpty() && notSent.get() == 0) {
            try {
                marks.record(new SweepMarks.Mark(now, horizon));
            } catch (RuntimeException e) {
                LOG.warn("the sweep's mark could not be recorded ({}); the next sweep reads from the last one", e.toString());
            }
        }
        if (!unread.isEmpty()) {
            // what was found is handed over; failing the invocation makes the schedule retry it and the errors alarm see it
            throw new IllegalStateException(unread.size() + " of " + buckets.size() + " buckets of the due-time index could not be read (the first: "
                    + unread.get(0) + "); the jobs found in the others were handed over, the next sweep reads these again");
        }
        return new Report(due.size(), handed.get(), notSent.get(), notMarked.get(), buckets.size());
    }

    /**
     * Priming's sample of a sweep (every call answered in-process, nothing read or written): each kind of call a sweep
     * that finds a job makes, once, with a sample job: the last mark's read, one bucket's query, a batch send, the
     * job's mark, the sweep's mark. A whole sweep would make a whole window's queries (248 at the default horizon,
     * with no mark to read from) and, finding nothing in the empty answers, never send or mark.
     *
     * @return the report of a sweep that found the sample job in one bucket and handed it over, for the priming to write
     *     as the function's answer (binding the record with Jackson for the first time takes tens of milliseconds)
     */
    public Report prime(String sampleJobId) {
        Instant now = clock.instant();
        PendingJobs.Pending sample = new PendingJobs.Pending(sampleJobId, sampleJobId, now.plus(horizon));
        List<Runnable> calls = List.of(marks::last, () -> index.dueBy(DueBuckets.of(sampleJobId, sample.dueAt()), sample.dueAt()),
                () -> queue.send(List.of(new DueJobsQueue.Message(sampleJobId, sampleJobId, sample.dueAt()))),
                () -> index.markHanded(sample, now), () -> marks.record(new SweepMarks.Mark(now, horizon)));
        for (Runnable call : calls) {
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.debug("priming: {}", e.toString()); // the in-process answers are empty; the next call still primes
            }
        }
        return new Report(1, 1, 0, 0, 1);
    }

    /** Jobs sent in one call, at {@code at}. */
    record Batch(Instant at, List<PendingJobs.Pending> jobs) {
    }

    /**
     * The calls that hand the jobs over, in the order of their sending instants ({@link HandOver#sendAt}, the earliest
     * due first among equal ones): at most {@link HandOver#MAX_BATCH} jobs each, whose instants lie within
     * {@link #BATCH_SPAN} of the call's, which is its first job's. So each job is sent at its instant or up to that
     * much before it, and the sends of one sweep take at most a second more; when they fall behind their instants
     * (tens of thousands of jobs in one sweep), the later ones are sent as soon as they can be and arrive anywhere
     * in their second, as a job the scheduler sends does.
     */
    List<Batch> batches(List<PendingJobs.Pending> due, Instant start) {
        record Timed(Instant at, PendingJobs.Pending job) {
        }
        List<Timed> timed = new ArrayList<>();
        for (PendingJobs.Pending job : due) {
            timed.add(new Timed(queue.sendAt(job.dueAt(), start), job));
        }
        timed.sort(Comparator.comparing(Timed::at).thenComparing(t -> t.job().dueAt()).thenComparing(t -> t.job().jobId()));
        List<Batch> batches = new ArrayList<>();
        List<PendingJobs.Pending> current = new ArrayList<>();
        Instant at = null;
        for (Timed t : timed) {
            if (at != null && (current.size() == HandOver.MAX_BATCH || Duration.between(at, t.at()).compareTo(BATCH_SPAN) > 0)) {
                batches.add(new Batch(at, List.copyOf(current)));
                current.clear();
                at = null;
            }
            if (at == null) {
                at = t.at();
            }
            current.add(t.job());
        }
        if (at != null) {
            batches.add(new Batch(at, List.copyOf(current)));
        }
        return batches;
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
