package dev.lapse.schedule;

import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import dev.lapse.licence.LicenceStore;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.licence.SubscriptionOrder;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The Jobs and PaidLicenses tables in memory, with the conditions the DynamoDB adapters write. */
final class InMemoryStores implements ScheduledJobs, LicenceStore {
    final Map<String, Job> jobs = new HashMap<>();
    final Map<String, SubscriptionOrder.Last> licences = new HashMap<>();
    final Map<String, Instant> paidUntil = new HashMap<>();
    final Set<String> ranForGood = new HashSet<>();
    /** How many of the next licence writes find the licence changed since it was read. */
    int contendedWrites;
    int writes;

    boolean ranForGood(Job job) {
        return ranForGood.contains(job.occurrenceId());
    }

    @Override
    public Created create(Job job, Predicate<Job> ranForGood) {
        Job pending = jobs.get(job.jobId());
        if (pending != null && (pending.occurrenceId().equals(job.occurrenceId()) || !ranForGood.test(pending))) {
            List<String> differences = pending.differencesFrom(job);
            if (differences.isEmpty()) {
                return new Created(pending, false);
            }
            throw new JobConflictException("JOB_CONFLICT", job.jobId(), differences, "differs");
        }
        jobs.put(job.jobId(), job);
        return new Created(job, true);
    }

    @Override
    public Optional<Job> cancel(String jobId) {
        return Optional.ofNullable(jobs.remove(jobId));
    }

    @Override
    public Job reschedule(String jobId, Instant dueAt, String dueSpec, UnaryOperator<String> nextOccurrence,
            java.util.function.Predicate<Job> ranForGood, Instant at) {
        Job current = jobs.get(jobId);
        if (current == null || ranForGood.test(current) || current.isCancelledSeries()) {
            throw new JobConflictException("JOB_NOT_PENDING", jobId, "no pending job " + jobId);
        }
        if (current.isSeries()) {
            throw dev.lapse.job.JobConflictException.recurring(jobId);
        }
        Job moved = current.rescheduled(dueAt, dueSpec, nextOccurrence.apply(current.occurrenceId()), at);
        jobs.put(jobId, moved);
        return moved;
    }

    @Override
    public Optional<Job> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    /** How many of the next replaces find the item changed (an occurrence armed meanwhile). */
    int contendedReplaces;
    /** What happened meanwhile, run at each contended replace (null: only another occurrence armed). */
    Runnable meanwhile;

    @Override
    public boolean replace(Job seen, Job next) {
        if (contendedReplaces > 0) {
            contendedReplaces--;
            if (meanwhile != null) {
                meanwhile.run();
            }
            return false;
        }
        Job current = jobs.get(seen.jobId());
        if (current == null || !current.occurrenceId().equals(seen.occurrenceId()) || current.attempt() != seen.attempt()) {
            return false;
        }
        jobs.put(seen.jobId(), next);
        return true;
    }

    @Override
    public SubscriptionOrder.Last last(String licenceId) {
        return licences.getOrDefault(licenceId, SubscriptionOrder.Last.NONE);
    }

    @Override
    public Optional<Job> job(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public boolean write(String licenceId, SubscriptionOrder.Stamp event, Optional<Instant> until, SubscriptionOrder.Last seen,
                         Optional<Job> seenJob, JobChange change) {
        writes++;
        String jobId = PaidLicenses.jobIdFor(licenceId);
        if (contendedWrites > 0) {
            contendedWrites--;
            return false;
        }
        if (!last(licenceId).equals(seen) || !job(jobId).equals(seenJob)) {
            return false;
        }
        boolean cancel = event.intent() == SubscriptionOrder.Intent.CANCEL;
        licences.put(licenceId, new SubscriptionOrder.Last(Optional.of(cancel ? PaidLicenses.Status.CANCELLED : PaidLicenses.Status.ACTIVE),
                OptionalLong.of(event.orderMillis()), event.version()));
        until.ifPresentOrElse(u -> paidUntil.put(licenceId, u), () -> paidUntil.remove(licenceId));
        if (change instanceof JobChange.Put put) {
            jobs.put(jobId, put.job());
        } else if (change instanceof JobChange.Delete) {
            jobs.remove(jobId);
        }
        return true;
    }

    void deactivate(String licenceId) {
        SubscriptionOrder.Last last = last(licenceId);
        licences.put(licenceId, new SubscriptionOrder.Last(Optional.of(PaidLicenses.Status.DEACTIVATED), last.orderMillis(), last.version()));
    }
}
