package dev.lapse.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.run.DueSoonQueue;
import dev.lapse.store.JobStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out scheduling requests against the Jobs table (and the PaidLicenses table for subscriptions). */
public final class JobScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    public enum Outcome { SCHEDULED, UNCHANGED, CANCELLED, NOT_FOUND, RESCHEDULED, STALE }

    /** What a request did, and the job it concerns (absent when there is none). */
    public record Result(Outcome outcome, Optional<Job> job) {
    }

    private final JobStore store;
    private final PaidLicenses licences;
    private final Optional<DueSoonQueue> dueSoon;
    private final Clock clock;

    public JobScheduler(JobStore store, PaidLicenses licences, Optional<DueSoonQueue> dueSoon, Clock clock) {
        this.store = store;
        this.licences = licences;
        this.dueSoon = dueSoon;
        this.clock = clock;
    }

    public Result handle(JobRequest request) {
        if (request instanceof JobRequest.ScheduleJob s) {
            return schedule(s);
        } else if (request instanceof JobRequest.CancelJob c) {
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
                occurrenceOf(s.jobId(), s.type(), s.payload(), s.due().spec(), String.valueOf(s.retry())), 1, s.retry(),
                List.of(), clock.instant(), s.requestedBy());
        JobStore.Created created = store.create(job);
        if (!created.written()) {
            LOG.info("job {} already scheduled with the same content; unchanged", job.jobId());
            return new Result(Outcome.UNCHANGED, Optional.of(created.job()));
        }
        offerDueSoon(job);
        LOG.info("job {} ({}) scheduled for {} by {}", job.jobId(), job.type(), job.dueAt(), job.requestedBy());
        return new Result(Outcome.SCHEDULED, Optional.of(job));
    }

    private Result cancel(String jobId) {
        Optional<Job> cancelled = store.cancel(jobId);
        LOG.info(cancelled.isPresent() ? "job {} cancelled" : "job {} not cancelled: no pending job with that id", jobId);
        return new Result(cancelled.isPresent() ? Outcome.CANCELLED : Outcome.NOT_FOUND, cancelled);
    }

    private Result reschedule(JobRequest.RescheduleJob r) {
        Job moved = store.reschedule(r.jobId(), r.due().at(), r.due().spec(), previous -> occurrenceOf(r.jobId(), previous, r.due().spec()));
        offerDueSoon(moved);
        LOG.info("job {} rescheduled to {}", moved.jobId(), moved.dueAt());
        return new Result(Outcome.RESCHEDULED, Optional.of(moved));
    }

    /** Marks the licence first, so a job can never run against a licence not marked for deactivation. */
    private Result subscriptionCancelled(JobRequest.SubscriptionCancelled s) {
        if (!licences.markCancelled(s.licenceId(), s.paidUntil(), s.at())) {
            LOG.info("Subscription Cancelled for {} at {} is older than the last event applied; ignored", s.licenceId(), s.at());
            return new Result(Outcome.STALE, Optional.empty());
        }
        ObjectNode payload = Json.object().put(PaidLicenses.KEY, s.licenceId());
        String jobId = PaidLicenses.jobIdFor(s.licenceId());
        JobRequest.Due due = new JobRequest.Due(s.paidUntil(), s.paidUntil().toString());
        try {
            return schedule(new JobRequest.ScheduleJob(jobId, PaidLicenses.JOB_TYPE, Json.write(payload), due,
                    Optional.empty(), s.requestedBy()));
        } catch (JobConflictException e) {
            // Cancelled again with a new end of the paid period: the new period wins.
            return reschedule(new JobRequest.RescheduleJob(jobId, due, s.requestedBy()));
        }
    }

    private Result subscriptionReactivated(JobRequest.SubscriptionReactivated r) {
        if (!licences.markActive(r.licenceId(), r.at())) {
            LOG.info("Subscription Reactivated for {} at {} is older than the last event applied; ignored", r.licenceId(), r.at());
            return new Result(Outcome.STALE, Optional.empty());
        }
        return cancel(PaidLicenses.jobIdFor(r.licenceId()));
    }

    /**
     * An occurrence id derived from the request, so a request delivered again after its job ran is
     * the same occurrence, which the ledger does not run twice.
     */
    static String occurrenceOf(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    private void offerDueSoon(Job job) {
        dueSoon.ifPresent(q -> {
            try {
                q.offer(job);
            } catch (RuntimeException e) {
                // The job is stored; the TTL path still runs it, only later.
                LOG.warn("job {} stored but not queued for the precise path ({}); DynamoDB TTL will run it", job.jobId(), e.toString());
            }
        });
    }
}
