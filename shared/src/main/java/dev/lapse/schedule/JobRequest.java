package dev.lapse.schedule;

import dev.lapse.job.RetryPolicy;
import java.time.Instant;
import java.util.Optional;

/** A request to the scheduler, decoded from an EventBridge event or a direct invocation. */
public sealed interface JobRequest {

    /** The EventBridge detail-type (and direct-invocation "detail-type") of each request. */
    String SCHEDULE = "Schedule Job";
    String CANCEL = "Cancel Job";
    String RESCHEDULE = "Reschedule Job";
    String SUBSCRIPTION_CANCELLED = "Subscription Cancelled";
    String SUBSCRIPTION_REACTIVATED = "Subscription Reactivated";

    String requestedBy();

    /** When the job is due: the resolved instant and the requester's own words (for idempotency). */
    record Due(Instant at, String spec) {
    }

    record ScheduleJob(String jobId, String type, String payload, Due due, Optional<RetryPolicy> retry,
                       String requestedBy) implements JobRequest {
    }

    record CancelJob(String jobId, String requestedBy) implements JobRequest {
    }

    record RescheduleJob(String jobId, Due due, String requestedBy) implements JobRequest {
    }

    /** {@code at}: when the subscription event happened (EventBridge {@code time}), so an older event never overrides a newer one. */
    record SubscriptionCancelled(String licenceId, Instant paidUntil, Instant at, String requestedBy) implements JobRequest {
    }

    record SubscriptionReactivated(String licenceId, Instant at, String requestedBy) implements JobRequest {
    }
}
