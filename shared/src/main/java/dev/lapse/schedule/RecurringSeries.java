package dev.lapse.schedule;

import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import dev.lapse.job.JobJson;
import dev.lapse.job.Recurrence;
import dev.lapse.job.RetryPolicy;
import dev.lapse.job.Series;
import dev.lapse.json.Json;
import dev.lapse.run.Occurrences;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduling requests on recurring jobs: create, change the recurrence, pause, resume, cancel. The job is one item
 * holding its recurrence and its next occurrence; each change is a conditional write over the item as it was read,
 * tried again if an occurrence was armed meanwhile.
 */
final class RecurringSeries {
    private static final Logger LOG = LoggerFactory.getLogger(RecurringSeries.class);
    /**
     * How long a cancelled recurring job's item is kept: longer than any occurrence can wait for its retries, so a
     * waiting occurrence always learns of the cancellation.
     */
    static final Duration CANCELLED_KEPT = RetryPolicy.MAX_DELAY_LIMIT.multipliedBy(RetryPolicy.MAX_ATTEMPTS_LIMIT);
    private static final int ROUNDS = 5;

    private final ScheduledJobs jobs;
    private final Predicate<Job> ranForGood;
    private final Consumer<Job> toDueJobsQueue;
    private final Clock clock;

    RecurringSeries(ScheduledJobs jobs, Predicate<Job> ranForGood, Consumer<Job> toDueJobsQueue, Clock clock) {
        this.jobs = jobs;
        this.ranForGood = ranForGood;
        this.toDueJobsQueue = toDueJobsQueue;
        this.clock = clock;
    }

    /** The due spec of a recurring job: what was asked, so the same request again is the same job. */
    static String dueSpec(Recurrence recurrence) {
        return Job.RECURRENCE + Json.write(JobJson.RecurrenceJson.of(recurrence).asked());
    }

    JobScheduler.Result schedule(JobRequest.ScheduleRecurringJob s) {
        Instant now = clock.instant();
        Instant first = s.recurrence().firstAfter(now.minusNanos(1)).orElseThrow();
        Series series = new Series(s.jobId(), s.recurrence(), 1, first, Series.State.ACTIVE);
        Job job = new Job(s.jobId(), s.type(), s.payload(), first, dueSpec(s.recurrence()), Occurrences.ofSeries(s.jobId(), first), 1,
                s.retry(), List.of(), now, s.requestedBy(), Optional.of(series));
        ScheduledJobs.Created created = jobs.create(job, ranForGood.or(Job::isCancelledSeries));
        if (!created.written()) {
            LOG.info("recurring job {} already scheduled with the same content; unchanged", job.jobId());
            return new JobScheduler.Result(JobScheduler.Outcome.UNCHANGED, Optional.of(created.job()));
        }
        toDueJobsQueue.accept(job);
        LOG.info("recurring job {} ({}) scheduled, first occurrence {}", job.jobId(), job.type(), first);
        return new JobScheduler.Result(JobScheduler.Outcome.SCHEDULED, Optional.of(job));
    }

    /** The new recurrence applies from the next occurrence: the one armed now is replaced by the new recurrence's first. */
    JobScheduler.Result change(JobRequest.ChangeRecurrence c) {
        return update(c.jobId(), JobScheduler.Outcome.RESCHEDULED, current -> {
            Instant first = c.recurrence().firstAfter(clock.instant().minusNanos(1)).orElseThrow();
            Series series = current.series().get();
            Series changed = series.with(c.recurrence()).with(series.sequence(), first, series.state());
            return Optional.of(new Job(current.jobId(), current.type(), current.payload(), first, dueSpec(c.recurrence()),
                    Occurrences.ofSeries(current.jobId(), first), 1, current.retryPolicy(), List.of(), current.scheduledAt(),
                    current.requestedBy(), Optional.of(changed)));
        });
    }

    JobScheduler.Result pause(String jobId) {
        return update(jobId, JobScheduler.Outcome.PAUSED, current -> {
            Series series = current.series().get();
            if (series.state() == Series.State.PAUSED) {
                return Optional.empty();
            }
            // a new occurrence id, so a queue message already sent for the armed occurrence finds nothing to take
            return Optional.of(current.nextOccurrence(series.with(series.sequence(), series.scheduledFor(), Series.State.PAUSED),
                    current.dueAt(), Occurrences.derive(jobId, "paused", series.scheduledFor().toString(), clock.instant().toString())));
        });
    }

    /** Resumes at the occurrence the job had when paused, unless it was missed meanwhile: then as its catch-up rule says. */
    JobScheduler.Result resume(String jobId) {
        Instant now = clock.instant();
        return update(jobId, JobScheduler.Outcome.RESUMED, current -> {
            Series series = current.series().get();
            if (series.state() == Series.State.ACTIVE) {
                return Optional.empty();
            }
            return Optional.of(series.recurrence().arm(series.scheduledFor(), now)
                    .map(o -> Occurrences.armed(current, series, series.sequence(), o))
                    .orElseGet(() -> ended(current, now)));
        });
    }

    /** Ends the series: its item is kept a while as cancelled, so that an occurrence waiting for a retry does not run. */
    JobScheduler.Result cancel(Job stored) {
        Job current = stored;
        for (int round = 1; round <= ROUNDS; round++) {
            if (current.isCancelledSeries()) {
                return new JobScheduler.Result(JobScheduler.Outcome.NOT_FOUND, Optional.empty());
            }
            if (jobs.replace(current, ended(current, clock.instant()))) {
                LOG.info("recurring job {} cancelled", current.jobId());
                return new JobScheduler.Result(JobScheduler.Outcome.CANCELLED, Optional.of(current));
            }
            Optional<Job> again = jobs.get(current.jobId());
            if (again.isEmpty() || !again.get().isSeries()) {
                return new JobScheduler.Result(JobScheduler.Outcome.NOT_FOUND, Optional.empty());
            }
            current = again.get();
        }
        throw changedMeanwhile(stored.jobId());
    }

    private Job ended(Job current, Instant now) {
        Series series = current.series().get();
        return current.nextOccurrence(series.with(series.sequence(), series.scheduledFor(), Series.State.CANCELLED),
                now.plus(CANCELLED_KEPT), Occurrences.derive(current.jobId(), "cancelled", now.toString()));
    }

    private interface Change {
        /** The item to write over {@code current}; empty: nothing to change. */
        Optional<Job> apply(Job current);
    }

    private JobScheduler.Result update(String jobId, JobScheduler.Outcome done, Change change) {
        for (int round = 1; round <= ROUNDS; round++) {
            Optional<Job> stored = jobs.get(jobId).filter(j -> !j.isCancelledSeries());
            if (stored.isEmpty() || !stored.get().isSeries() && ranForGood.test(stored.get())) {
                LOG.info("{} of job {}: no recurring job with that id", done, jobId);
                return new JobScheduler.Result(JobScheduler.Outcome.NOT_FOUND, Optional.empty());
            }
            Job current = stored.get();
            if (!current.isSeries()) {
                throw new JobConflictException("JOB_NOT_RECURRING", jobId, "job " + jobId + " is a one-time job: pause, resume"
                        + " and a new recurrence apply to recurring jobs only; cancel or reschedule it with dueAt or delay");
            }
            Optional<Job> next = change.apply(current);
            if (next.isEmpty()) {
                return new JobScheduler.Result(JobScheduler.Outcome.UNCHANGED, Optional.of(current));
            }
            if (jobs.replace(current, next.get())) {
                Job written = next.get();
                if (!written.isDormant()) {
                    toDueJobsQueue.accept(written);
                }
                boolean ended = written.isCancelledSeries();
                LOG.info("recurring job {} {}; next occurrence {}", jobId, ended ? "has no occurrence left" : done, written.dueAt());
                return new JobScheduler.Result(ended ? JobScheduler.Outcome.ENDED : done, Optional.of(written));
            }
        }
        throw changedMeanwhile(jobId);
    }

    private static JobConflictException changedMeanwhile(String jobId) {
        return new JobConflictException("JOB_CONTENDED", jobId, "recurring job " + jobId + " kept changing while this request"
                + " was applied (occurrences armed, other requests); send it again");
    }
}
