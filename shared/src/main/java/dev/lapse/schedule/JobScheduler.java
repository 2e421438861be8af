package dev.lapse.schedule;

import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.licence.DynamoLicenceStore;
import dev.lapse.licence.LicenceStore;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.licence.SubscriptionEvents;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.Occurrences;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** Carries out scheduling requests on the stored jobs (and on the licences, for subscription events). */
public final class JobScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    public enum Outcome { SCHEDULED, UNCHANGED, CANCELLED, NOT_FOUND, RESCHEDULED, STALE, PAUSED, RESUMED, ENDED }

    /** What a request did, and the job it concerns (absent when there is none). */
    public record Result(Outcome outcome, Optional<Job> job) {
    }

    private final ScheduledJobs jobs;
    private final SubscriptionEvents subscriptions;
    private final Predicate<Job> ranForGood;
    private final Consumer<Job> toDueJobsQueue;
    private final Clock clock;

    /** The scheduler on DynamoDB: the Jobs table, the executions ledger, PaidLicenses and the due-jobs queue if there is one. */
    public JobScheduler(JobStore store, ExecutionLedger ledger, PaidLicenses licences, Optional<? extends DueJobsQueue> dueJobs, Clock clock) {
        this(ScheduledJobs.in(store), new DynamoLicenceStore(licences, store), ranForGoodIn(ledger::state),
                job -> dueJobs.ifPresent(q -> q.offer(job)), clock);
    }

    /**
     * @param ranForGood whether a stored job's occurrence has run for good (done or dead-lettered): the item is then a
     *                   copy left behind while it ran, no longer a pending job, and a new request replaces it
     * @param toDueJobsQueue offers a stored job to the due-jobs queue; a failure only leaves the job to DynamoDB TTL
     */
    public JobScheduler(ScheduledJobs jobs, LicenceStore licences, Predicate<Job> ranForGood, Consumer<Job> toDueJobsQueue, Clock clock) {
        this.jobs = jobs;
        this.ranForGood = ranForGood;
        this.subscriptions = new SubscriptionEvents(licences, ranForGood);
        this.toDueJobsQueue = toDueJobsQueue;
        this.clock = clock;
    }

    public Result handle(JobRequest request) {
        if (request instanceof JobRequest.ScheduleJob s) {
            return schedule(s);
        } else if (request instanceof JobRequest.ScheduleRecurringJob s) {
            return series().schedule(s);
        } else if (request instanceof JobRequest.ChangeRecurrence c) {
            return series().change(c);
        } else if (request instanceof JobRequest.PauseJob p) {
            return series().pause(p.jobId());
        } else if (request instanceof JobRequest.ResumeJob r) {
            return series().resume(r.jobId());
        } else if (request instanceof JobRequest.CancelJob c) {
            Optional<Job> stored = jobs.get(c.jobId());
            if (stored.isPresent() && stored.get().isSeries()) {
                return series().cancel(stored.get());
            }
            return cancel(c.jobId());
        } else if (request instanceof JobRequest.RescheduleJob r) {
            return reschedule(r);
        } else if (request instanceof JobRequest.SubscriptionCancelled s) {
            return subscriptionCancelled(s);
        } else if (request instanceof JobRequest.SubscriptionReactivated r) {
            return subscriptionReactivated(r);
        }
        throw new IllegalArgumentException("unknown request " + request);
    }

    private Result schedule(JobRequest.ScheduleJob s) {
        Job job = new Job(s.jobId(), s.type(), s.payload(), s.due().at(), s.due().spec(),
                occurrenceOf(s.jobId(), s.type(), s.payload(), s.due().occurrence(), String.valueOf(s.retry())), 1, s.retry(),
                List.of(), clock.instant(), s.requestedBy());
        // a cancelled recurring job's kept item is not pending: a one-time job may take its id
        ScheduledJobs.Created created = jobs.create(job, ranForGood.or(Job::isCancelledSeries));
        if (!created.written()) {
            LOG.info("job {} already scheduled with the same content; unchanged", job.jobId());
            return new Result(Outcome.UNCHANGED, Optional.of(created.job()));
        }
        offerToDueJobsQueue(job);
        LOG.info("job {} ({}) scheduled for {} by {}", job.jobId(), job.type(), job.dueAt(), job.requestedBy());
        return new Result(Outcome.SCHEDULED, Optional.of(job));
    }

    /** A stored copy whose occurrence already ran for good (left behind to be looked at again) is removed, not cancelled. */
    private Result cancel(String jobId) {
        Optional<Job> cancelled = jobs.cancel(jobId).filter(j -> !ranForGood.test(j));
        LOG.info(cancelled.isPresent() ? "job {} cancelled" : "job {} not cancelled: no pending job with that id", jobId);
        return new Result(cancelled.isPresent() ? Outcome.CANCELLED : Outcome.NOT_FOUND, cancelled);
    }

    private Result reschedule(JobRequest.RescheduleJob r) {
        Job moved = jobs.reschedule(r.jobId(), r.due().at(), r.due().spec(), previous -> occurrenceOf(r.jobId(), previous, r.due().occurrence()),
                ranForGood, clock.instant());
        offerToDueJobsQueue(moved);
        LOG.info("job {} rescheduled to {}", moved.jobId(), moved.dueAt());
        return new Result(Outcome.RESCHEDULED, Optional.of(moved));
    }

    /**
     * Marks the licence CANCELLED and puts its deactivation job in one transaction (see {@link SubscriptionEvents}),
     * unless a later subscription event was applied. A new cancellation with another {@code paidUntil} moves the job.
     */
    private Result subscriptionCancelled(JobRequest.SubscriptionCancelled s) {
        String jobId = PaidLicenses.jobIdFor(s.licenceId());
        String payload = Json.write(Json.object().put(PaidLicenses.KEY, s.licenceId()));
        JobRequest.Due due = JobRequest.Due.at(s.paidUntil());
        // Each event is its own occurrence, so a cancellation after a reactivation runs even with the same paidUntil.
        String occurrence = occurrenceOf(jobId, PaidLicenses.JOB_TYPE, payload, due.occurrence(),
                "event:" + s.order().orderMillis() + ":" + s.order().version());
        Job job = new Job(jobId, PaidLicenses.JOB_TYPE, payload, due.at(), due.spec(), occurrence, 1, Optional.empty(),
                List.of(), clock.instant(), s.requestedBy());
        SubscriptionEvents.Applied applied = subscriptions.cancelled(s.licenceId(), s.paidUntil(), s.order(), job);
        if (applied.stale()) {
            LOG.info("Subscription Cancelled for {} ({}) is older than the last event applied; ignored", s.licenceId(), s.order());
            return new Result(Outcome.STALE, Optional.empty());
        }
        Job after = applied.after().orElseThrow();
        if (applied.before().isPresent() && applied.before().get().sameContentAs(job)) {
            LOG.info("licence {} cancelled again until {}; its deactivation job is unchanged", s.licenceId(), s.paidUntil());
            return new Result(Outcome.UNCHANGED, Optional.of(after));
        }
        offerToDueJobsQueue(after);
        LOG.info("licence {} cancelled until {}; deactivation job {}", s.licenceId(), s.paidUntil(),
                applied.before().isPresent() ? "moved" : "scheduled");
        return new Result(applied.before().isPresent() ? Outcome.RESCHEDULED : Outcome.SCHEDULED, Optional.of(after));
    }

    /** Marks the licence ACTIVE and deletes its deactivation job in one transaction, unless a later event was applied. */
    private Result subscriptionReactivated(JobRequest.SubscriptionReactivated r) {
        SubscriptionEvents.Applied applied = subscriptions.reactivated(r.licenceId(), r.order());
        if (applied.stale()) {
            LOG.info("Subscription Reactivated for {} ({}) is older than the last event applied; ignored", r.licenceId(), r.order());
            return new Result(Outcome.STALE, Optional.empty());
        }
        LOG.info("licence {} reactivated; {}", r.licenceId(), applied.before().isPresent() ? "deactivation job cancelled" : "no deactivation job was pending");
        return new Result(applied.before().isPresent() ? Outcome.CANCELLED : Outcome.NOT_FOUND, applied.before());
    }

    private RecurringSeries series() {
        return new RecurringSeries(jobs, ranForGood, this::offerToDueJobsQueue, clock);
    }

    /**
     * Whether a stored job's occurrence has run for good (done or dead-lettered), as the executions ledger tells
     * ({@code stateOf}: an occurrence's state, null if never claimed); a ledger this function may not read keeps the job.
     */
    static Predicate<Job> ranForGoodIn(Function<String, ExecutionLedger.State> stateOf) {
        return stored -> {
            ExecutionLedger.State state;
            try {
                state = stateOf.apply(stored.occurrenceId());
            } catch (DynamoDbException e) {
                if (e.awsErrorDetails() == null || !"AccessDeniedException".equals(e.awsErrorDetails().errorCode())) {
                    throw e;
                }
                // A deployment whose ScheduleJobFunction may not read JobExecutionsTable: keep the stored job, as before.
                LOG.warn("cannot read the executions table to tell whether job {} already ran ({}); it is treated as pending. Give"
                        + " ScheduleJobFunction read access to the executions table (DynamoDBReadPolicy)", stored.jobId(), e.getMessage());
                return false;
            }
            return state == ExecutionLedger.State.DONE || state == ExecutionLedger.State.DEAD_LETTERED;
        };
    }

    /**
     * An occurrence id derived from the request, so a request delivered again after its job ran is
     * the same occurrence, which the ledger does not run twice.
     */
    static String occurrenceOf(String... parts) {
        return Occurrences.derive(parts);
    }

    private void offerToDueJobsQueue(Job job) {
        try {
            toDueJobsQueue.accept(job);
        } catch (RuntimeException e) {
            // The job is stored; the TTL path still runs it, only later.
            LOG.warn("job {} stored but not queued on the due-jobs queue ({}); DynamoDB TTL will run it", job.jobId(), e.toString());
        }
    }
}
