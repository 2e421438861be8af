package dev.lapse.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.action.JobAction;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.job.RetryPolicy;
import dev.lapse.observe.LogFields;
import dev.lapse.store.ExecutionLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a due job from any trigger (TTL expiry, the due-jobs queue, a recurring schedule): claims the
 * occurrence in the ledger, runs its action, and on failure re-arms it with backoff or, after the
 * last attempt, dead-letters it and emits "Job Failed".
 *
 * <p>Throws {@link TransientFailureException} when the record should be retried by its trigger (a throttled or
 * timed-out call, or bookkeeping that failed). An occurrence in flight elsewhere is not thrown: a waiting copy of the
 * job is put back in the table and the outcome is {@link Outcome#DEFERRED}.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /**
     * How soon a job whose run hit a transient failure is tried again, when its trigger will not retry it; and the
     * longest an occurrence in flight elsewhere waits before it is looked at again.
     */
    public static final Duration TRANSIENT_RETRY = Duration.ofSeconds(30);

    /** CANCELLED: a waiting occurrence of a recurring job that was cancelled meanwhile (it is not run). */
    public enum Outcome { RAN, DUPLICATE, DEFERRED, RETRY_SCHEDULED, DEAD_LETTERED, NOT_YET_DUE, CANCELLED }

    public record Result(Outcome outcome, String detail) {
    }

    private final Jobs jobs;
    private final Claims ledger;
    private final Function<String, JobAction> actions;
    private final RetryPolicies policies;
    private final DeadLetterSink deadLetters;
    private final EventSink events;
    private final Clock clock;
    private final DoubleSupplier random;
    private final AttemptObserver observer;

    /** {@code random} draws the retry jitter, uniformly in [0, 1). */
    public JobRunner(Jobs jobs, Claims ledger, Function<String, JobAction> actions, RetryPolicies policies,
                     DeadLetterSink deadLetters, EventSink events, Clock clock, DoubleSupplier random) {
        this(jobs, ledger, actions, policies, deadLetters, events, clock, random, AttemptObserver.NONE);
    }

    /** As above, telling {@code observer} of every attempt it ends (history, metrics). */
    public JobRunner(Jobs jobs, Claims ledger, Function<String, JobAction> actions, RetryPolicies policies,
                     DeadLetterSink deadLetters, EventSink events, Clock clock, DoubleSupplier random,
                     AttemptObserver observer) {
        this.jobs = jobs;
        this.ledger = ledger;
        this.actions = actions;
        this.policies = policies;
        this.deadLetters = deadLetters;
        this.events = events;
        this.clock = clock;
        this.random = random;
        this.observer = AttemptObserver.all(List.of(observer));
    }

    /** Which path handed the job over: "ttl", "due-jobs-queue" or "schedule" (reported in Job Due). */
    public Result run(Job job, String trigger) {
        try (LogFields.Scope fields = LogFields.forJob(job, trigger)) {
            return runDue(job, trigger);
        }
    }

    private Result runDue(Job job, String trigger) {
        Instant now = clock.instant();
        if (now.isBefore(job.dueAt())) {
            // TTL and SQS never deliver early on AWS; a skewed clock could. Put it back, never run early.
            putBack(job, "not yet due");
            LOG.warn("job {} arrived {} ms before its due time {}; re-armed", job.jobId(),
                    Duration.between(now, job.dueAt()).toMillis(), job.dueAt());
            return told(job, trigger, now, new Result(Outcome.NOT_YET_DUE, "re-armed until " + job.dueAt()));
        }
        ExecutionLedger.ClaimResult claim = ledger.claim(job);
        if (claim.claim() == ExecutionLedger.Claim.CLAIMED && job.isSeries()) {
            armNextOccurrence(job, now);
        }
        return runWith(job, trigger, claim);
    }

    /**
     * A recurring job whose item TTL took (or that was recovered from its claim): its next occurrence goes back in
     * the table before this one runs, unless something is there already (the precise path's take armed it; the job was
     * paused, cancelled or replaced). Failing to write it gives the claim back: the trigger delivers the record again.
     */
    private void armNextOccurrence(Job job, Instant now) {
        try {
            Optional<Job> next = Occurrences.next(job, now);
            if (next.isPresent() && jobs.armNext(next.get())) {
                LOG.info("recurring job {} occurrence {} armed for {}", job.jobId(), next.get().series().get().sequence(),
                        next.get().dueAt());
            }
        } catch (RuntimeException e) {
            ledger.release(job.occurrenceId(), job.attempt());
            throw new TransientFailureException("recurring job " + job.jobId() + ": its next occurrence could not be armed: " + e, e);
        }
    }

    /**
     * Whether a waiting occurrence's recurring job has been cancelled since: its item is the kept cancelled one, or another
     * job (a different scheduledAt) has taken its id since. A series that simply ended has no item, and its copies run.
     */
    private boolean seriesCancelled(Job copy) {
        if (copy.series().isEmpty() || copy.isSeries()) {
            return false;
        }
        Optional<Job> series = jobs.get(copy.series().get().jobId());
        return series.isPresent() && (series.get().isCancelledSeries() || !series.get().isSeries()
                || !series.get().scheduledAt().equals(copy.scheduledAt()));
    }

    /**
     * Runs a job whose claim has been attempted already (the precise path claims as it takes the job). What came of it
     * goes to the observer and the logs, as for {@link #run}; the precise path needs no answer.
     */
    public void runClaimed(Job job, String trigger, ExecutionLedger.ClaimResult claim) {
        try (LogFields.Scope fields = LogFields.forJob(job, trigger)) {
            runWith(job, trigger, claim);
        }
    }

    private Result runWith(Job job, String trigger, ExecutionLedger.ClaimResult claim) {
        Instant now = clock.instant();
        if (claim.claim() == ExecutionLedger.Claim.ALREADY_HANDLED) {
            LOG.info("job {} occurrence {} attempt {} already handled; duplicate delivery skipped",
                    job.jobId(), job.occurrenceId(), job.attempt());
            return told(job, trigger, now, new Result(Outcome.DUPLICATE, "already handled"));
        }
        if (claim.claim() == ExecutionLedger.Claim.IN_FLIGHT_ELSEWHERE) {
            // Another invocation holds it. Come back when its lease ends, or in TRANSIENT_RETRY if that is sooner: then
            // it is done (and this is a duplicate), its runner died (this runs it once the lease is over), it gave the
            // claim back after a transient failure (this runs it, without waiting out the rest of the lease), or it
            // is still running (this comes back again). Nothing waits or blocks meanwhile.
            Instant leaseEnd = Instant.ofEpochMilli(claim.leaseUntilMillis()).plusSeconds(1);
            Instant again = leaseEnd.isBefore(now.plus(TRANSIENT_RETRY)) ? leaseEnd : now.plus(TRANSIENT_RETRY);
            putBack(job.waitingCopy().withAttempt(job.attempt(), again.isAfter(job.dueAt()) ? again : job.dueAt(), job.errors()),
                    "in flight elsewhere");
            LOG.info("job {} occurrence {} is in flight elsewhere (lease until {}); looked at again at {}", job.jobId(),
                    job.occurrenceId(), leaseEnd, again);
            return told(job, trigger, now, new Result(Outcome.DEFERRED, "in flight elsewhere; looked at again at " + again));
        }
        if (seriesCancelled(job)) {
            ledger.finishPatiently(job.occurrenceId(), job.attempt(), ExecutionLedger.State.DONE, "recurring job cancelled");
            LOG.info("job {} occurrence {} not run: its recurring job {} was cancelled", job.jobId(), job.occurrenceId(), job.ownerJobId());
            return told(job, trigger, now, new Result(Outcome.CANCELLED, "recurring job cancelled"));
        }
        JobAction.Result result;
        try {
            JobAction action = actions.apply(job.type());
            JobAction.Run run = new JobAction.Run(now, trigger);
            result = action.publishesEvents() ? action.run(job, run) : RecordBatch.aside(() -> action.run(job, run));
        } catch (RuntimeException e) {
            if (TransientFailureException.isTransient(e)) {
                ledger.release(job.occurrenceId(), job.attempt());
                throw new TransientFailureException("job " + job.jobId() + " attempt " + job.attempt()
                        + " hit a transient failure: " + e, e);
            }
            Result failed = failed(job, now, e);
            // what history and logs need of a failed attempt is its error, then what was done about it
            return told(job, trigger, now, failed, failed.outcome() == Outcome.RETRY_SCHEDULED
                    ? describe(e) + "; retry: " + failed.detail() : failed.detail());
        }
        if (!result.ledgerFinished()
                && !ledger.finishPatiently(job.occurrenceId(), job.attempt(), ExecutionLedger.State.DONE, result.outcome())) {
            // The effect happened; handing the record back would run it again. The claim's lease ends by
            // itself, and a later delivery can only repeat it if one arrives after that.
            LOG.error("job {} ran but its ledger record could not be marked DONE", job.jobId());
        }
        LOG.info("job {} ({}) ran via {}: {}; due {}, fired {}, late {} ms, attempt {}", job.jobId(), job.type(), trigger,
                result.outcome(), job.dueAt(), now, Duration.between(job.dueAt(), now).toMillis(), job.attempt());
        return told(job, trigger, now, new Result(Outcome.RAN, result.outcome()));
    }

    private Result told(Job job, String trigger, Instant firedAt, Result result) {
        return told(job, trigger, firedAt, result, result.detail());
    }

    private Result told(Job job, String trigger, Instant firedAt, Result result, String detail) {
        observer.observe(new Attempt(job.ownerJobId(), job.type(), job.occurrenceId(), job.attempt(), trigger, job.dueAt(), firedAt,
                result.outcome(), detail, job.scheduledAt()));
        return result;
    }

    private Result failed(Job job, Instant now, RuntimeException error) {
        List<Job.AttemptError> history = new ArrayList<>(job.errors());
        history.add(new Job.AttemptError(job.attempt(), now, describe(error)));
        RetryPolicy policy = policies.forJob(job);
        if (job.attempt() < policy.maxAttempts()) {
            Duration delay = policy.delayAfter(job.attempt(), random);
            Job next = job.waitingCopy().withAttempt(job.attempt() + 1, now.plus(delay), history); // a series keeps its schedule
            try {
                putBack(next, "retry");
            } catch (RuntimeException bookkeeping) {
                ledger.release(job.occurrenceId(), job.attempt());
                throw new TransientFailureException("job " + job.jobId() + " failed (" + describe(error)
                        + ") and could not be re-armed: " + bookkeeping, bookkeeping);
            }
            ledger.finishPatiently(job.occurrenceId(), job.attempt(), ExecutionLedger.State.RETRIED, describe(error));
            LOG.warn("job {} attempt {}/{} failed: {}; retry at {} (in {} ms)", job.jobId(), job.attempt(),
                    policy.maxAttempts(), describe(error), next.dueAt(), delay.toMillis());
            return new Result(Outcome.RETRY_SCHEDULED, "attempt " + next.attempt() + " at " + next.dueAt());
        }
        Job last = job.waitingCopy().withAttempt(job.attempt(), job.dueAt(), history); // replayed as that occurrence
        String reason = "failed after " + job.attempt() + " attempt(s); last error: " + describe(error);
        try {
            deadLetters.send(last, reason, now);
        } catch (RuntimeException bookkeeping) {
            ledger.release(job.occurrenceId(), job.attempt());
            throw new TransientFailureException("job " + job.jobId() + " failed (" + describe(error)
                    + ") and could not be dead-lettered: " + bookkeeping, bookkeeping);
        }
        // From here the job is safe in the dead-letter queue: the rest is best effort, never a reason to run it again.
        try {
            ObjectNode detail = DeadLetters.message(last, reason, now);
            events.publish(EventPublisher.JOB_FAILED, detail);
        } catch (RuntimeException e) {
            LOG.error("job {} dead-lettered, but its Job Failed event could not be published: {}", job.jobId(), e.toString());
        }
        ledger.finishPatiently(job.occurrenceId(), job.attempt(), ExecutionLedger.State.DEAD_LETTERED, reason);
        LOG.error("job {} dead-lettered: {}", job.jobId(), reason);
        return new Result(Outcome.DEAD_LETTERED, reason);
    }

    /**
     * After a transient failure that its trigger will not retry (the claim has been given back and the job
     * exists only in it): puts the job back for another try in {@link #TRANSIENT_RETRY}, where TTL and the
     * due-jobs queue both see it again. Returns the job as put back; a newer job under its id is kept.
     */
    public Job putBackAfterTransientFailure(Job job) {
        Job later = job.waitingCopy().withAttempt(job.attempt(), clock.instant().plus(TRANSIENT_RETRY), job.errors());
        jobs.rearm(later);
        ledger.forgetCopy(job.occurrenceId()); // the table's job (or a newer one) is now the only one that can run
        return later;
    }

    /** Puts the job back in the table; a newer job under the same id wins and this one is dead-lettered. */
    private void putBack(Job job, String why) {
        if (jobs.rearm(job)) {
            return;
        }
        Optional<Job> existing = jobs.get(job.jobId());
        if (existing.isPresent() && existing.get().occurrenceId().equals(job.occurrenceId())) {
            return; // this occurrence is already back, at this attempt or a later one
        }
        deadLetters.send(job, "could not be re-armed (" + why + "): job id " + job.jobId()
                + " was scheduled again meanwhile, and the new job is kept", clock.instant());
    }

    static String describe(Throwable error) {
        String message = error.getMessage() == null ? "" : ": " + error.getMessage();
        String text = error.getClass().getSimpleName() + message;
        return text.length() > 1000 ? text.substring(0, 1000) + "…" : text;
    }
}
