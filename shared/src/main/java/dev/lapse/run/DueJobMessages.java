package dev.lapse.run;

import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs the due-jobs queue points at. A message only points at a job; the job runs if it is
 * still in the Jobs table as the same occurrence, and taking it out of the table (with its claim, in one
 * write) is what decides between this path, the TTL path and a cancel: exactly one of them gets it.
 */
public final class DueJobMessages {
    private static final Logger LOG = LoggerFactory.getLogger(DueJobMessages.class);
    public static final String TRIGGER = "due-jobs-queue";
    /** How early a message may arrive and still be waited for in the handler (SQS delays are whole seconds). */
    public static final Duration EARLY_WAIT = Duration.ofMillis(250);

    /** What became of one message (RUN: the runner had it; its own log says how that went). */
    public enum Outcome { DROPPED, RUN, SENT_AGAIN, RECOVERED, GONE, PUT_BACK }

    private final Jobs jobs;
    private final Claims ledger;
    private final JobRunner runner;
    private final Optional<? extends DueJobsQueue> queue;
    private final Clock clock;
    private final Waiter waiter;

    public DueJobMessages(Jobs jobs, Claims ledger, JobRunner runner, Optional<? extends DueJobsQueue> queue, Clock clock) {
        this(jobs, ledger, runner, queue, clock, Waiter.SLEEP);
    }

    public DueJobMessages(Jobs jobs, Claims ledger, JobRunner runner, Optional<? extends DueJobsQueue> queue, Clock clock,
                          Waiter waiter) {
        this.jobs = jobs;
        this.ledger = ledger;
        this.runner = runner;
        this.queue = queue;
        this.clock = clock;
        this.waiter = waiter;
    }

    /**
     * Handles a batch of messages ({@code id} and {@code body} of each) concurrently, those of one job in order
     * ({@link PartialBatch}); the jobs they point at are read in one call first. Answers the ids of the messages to
     * deliver again.
     */
    public <R> List<String> handleAll(List<R> records, Function<R, String> id, Function<R, String> body) {
        // only the ids of due-jobs messages: a body that is none would be a key DynamoDB refuses, failing the whole read
        Map<String, Job> read = readAll(records.stream().flatMap(r -> pointedAt(body.apply(r)).stream()).toList());
        return PartialBatch.failedIds(records, id, r -> jobOf(body.apply(r)), r -> handle(id.apply(r), body.apply(r), read));
    }

    /** The jobs of a batch, read together; none if that read fails (each message then reads its own). */
    private Map<String, Job> readAll(List<String> jobIds) {
        try {
            return jobs.getAll(jobIds);
        } catch (RuntimeException e) {
            LOG.warn("the jobs of a batch of {} messages could not be read together ({}); each is read on its own", jobIds.size(), e.toString());
            return Map.of();
        }
    }

    /** Handles one message body; one that is not a due-jobs message is dropped (the TTL path still runs any job). */
    public Outcome handle(String messageId, String body) {
        return handle(messageId, body, Map.of());
    }

    private Outcome handle(String messageId, String body, Map<String, Job> read) {
        DueJobsQueue.Message pointer;
        try {
            pointer = DueJobsQueue.Message.parse(body);
        } catch (RuntimeException e) {
            LOG.error("message {} is not a due-jobs message ({}); dropped, the TTL path still runs any job", messageId, e.getMessage());
            return Outcome.DROPPED;
        }
        return handle(pointer, Optional.ofNullable(read.get(pointer.jobId())));
    }

    /** The job a message body points at (the body itself if it points at none): its records run in order. */
    public static String jobOf(String body) {
        return pointedAt(body).orElse(body);
    }

    private static Optional<String> pointedAt(String body) {
        try {
            return Optional.of(DueJobsQueue.Message.parse(body).jobId());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Handles one message; throws when it should be delivered again (its occurrence is in flight in another
     * invocation, or even putting the job back failed: the claim's copy is then recovered next time).
     */
    public Outcome handle(DueJobsQueue.Message pointer) {
        return handle(pointer, Optional.empty());
    }

    /**
     * As {@link #handle(DueJobsQueue.Message)}, with the job as the batch read it, if it did: taken as read when it is
     * still that occurrence at that attempt; read again otherwise, and always for a recurring job (a pause changes its
     * item, not its occurrence).
     */
    private Outcome handle(DueJobsQueue.Message pointer, Optional<Job> read) {
        Duration early = Duration.between(clock.instant(), pointer.dueAt());
        if (early.compareTo(Duration.ZERO) > 0 && early.compareTo(EARLY_WAIT) <= 0) {
            // sent up to EARLY_WAIT early on purpose (whole-second delays): wait, never run early; the batch's other jobs
            // do not wait for this one to publish their events meanwhile
            RecordBatch.aside(() -> waiter.waitFor(early));
        } else if (early.compareTo(Duration.ZERO) > 0 && queue.isPresent()) {
            // only with a skewed clock: send it again for the rest
            queue.get().resend(pointer);
            LOG.warn("job {} arrived before its due time {}; sent again for the remaining delay", pointer.jobId(), pointer.dueAt());
            return Outcome.SENT_AGAIN;
        }
        Instant now = clock.instant();
        Jobs.Taken taken = read.filter(j -> j.occurrenceId().equals(pointer.occurrenceId()) && !j.isSeries())
                .map(j -> jobs.takeAndClaim(j, now)).filter(t -> t.job().isPresent())
                .orElseGet(() -> jobs.takeAndClaim(pointer.jobId(), pointer.occurrenceId(), now));
        if (taken.job().isPresent()) {
            Job job = taken.job().get();
            return runOrPutBack(job, () -> runner.runClaimed(job, TRIGGER, taken.claim()), Outcome.RUN);
        }
        Optional<Job> recovered = ledger.recoverable(pointer.occurrenceId());
        if (recovered.isPresent()) {
            // Taken by an invocation that died or gave it back: the claim kept a copy; run that.
            LOG.warn("job {} occurrence {} recovered from its claim", pointer.jobId(), pointer.occurrenceId());
            return runOrPutBack(recovered.get(), () -> runner.run(recovered.get(), TRIGGER), Outcome.RECOVERED);
        }
        if (ledger.state(pointer.occurrenceId()) == ExecutionLedger.State.IN_FLIGHT) {
            throw new IllegalStateException("job " + pointer.jobId() + " is in flight in another invocation; look again later");
        }
        LOG.info("job {} occurrence {} is no longer pending (cancelled, rescheduled or run by TTL)", pointer.jobId(),
                pointer.occurrenceId());
        return Outcome.GONE;
    }

    /** Runs; on a transient failure the job exists only in its released claim, so it goes back into the table. */
    private Outcome runOrPutBack(Job job, Runnable run, Outcome ran) {
        try {
            run.run();
            return ran;
        } catch (RuntimeException e) {
            if (!TransientFailureException.isTransient(e)) {
                throw e;
            }
            Job later = runner.putBackAfterTransientFailure(job);
            LOG.warn("job {} hit a transient failure ({}); put back for {}", job.jobId(), e.getMessage(), later.dueAt());
            return Outcome.PUT_BACK;
        }
    }

    /** Runs a job handed over directly (the handler's cold-start sample), putting it back after a transient failure. */
    public Outcome run(Job job) {
        return runOrPutBack(job, () -> runner.run(job, TRIGGER), Outcome.RUN);
    }
}
