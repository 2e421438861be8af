package dev.lapse.schedule;

import dev.lapse.job.Recurrence;
import dev.lapse.job.RetryPolicy;
import dev.lapse.licence.SubscriptionOrder;
import java.time.Instant;
import java.util.Optional;

/** A request to the scheduler, decoded from an EventBridge event or a direct invocation. */
public sealed interface JobRequest {

    /** The EventBridge detail-type (and direct-invocation "detail-type") of each request. */
    String SCHEDULE = "Schedule Job";
    String CANCEL = "Cancel Job";
    String RESCHEDULE = "Reschedule Job";
    String PAUSE = "Pause Job";
    String RESUME = "Resume Job";
    String SUBSCRIPTION_CANCELLED = "Subscription Cancelled";
    String SUBSCRIPTION_REACTIVATED = "Subscription Reactivated";

    String requestedBy();

    /**
     * When the job is due.
     *
     * @param at         the resolved instant
     * @param spec       the requester's own words ({@code dueAt}'s instant, or {@code delay:PT10S}): two
     *                   requests with the same spec (and the same id, type, payload and retry) are the same job
     * @param occurrence what makes this request one occurrence: the spec and, for a delay, the time it counts from,
     *                   so the same event delivered again is the same occurrence and a new request is a new one
     */
    record Due(Instant at, String spec, String occurrence) {
        public static Due at(Instant at) {
            return new Due(at, at.toString(), at.toString());
        }
    }

    record ScheduleJob(String jobId, String type, String payload, Due due, Optional<RetryPolicy> retry,
                       String requestedBy) implements JobRequest {
    }

    record CancelJob(String jobId, String requestedBy) implements JobRequest {
    }

    /** A recurring job: {@code recurrence} says when it fires; each occurrence runs like a one-time job. */
    record ScheduleRecurringJob(String jobId, String type, String payload, Recurrence recurrence, Optional<RetryPolicy> retry,
                                String requestedBy) implements JobRequest {
    }

    /** A recurring job's new recurrence, from its next occurrence on. */
    record ChangeRecurrence(String jobId, Recurrence recurrence, String requestedBy) implements JobRequest {
    }

    record PauseJob(String jobId, String requestedBy) implements JobRequest {
    }

    record ResumeJob(String jobId, String requestedBy) implements JobRequest {
    }

    record RescheduleJob(String jobId, Due due, String requestedBy) implements JobRequest {
    }

    /** {@code order}: when the subscription event happened, so an older event never overrides a newer one. */
    record SubscriptionCancelled(String licenceId, Instant paidUntil, SubscriptionOrder.Stamp order, String requestedBy)
            implements JobRequest {
    }

    record SubscriptionReactivated(String licenceId, SubscriptionOrder.Stamp order, String requestedBy) implements JobRequest {
    }
}
