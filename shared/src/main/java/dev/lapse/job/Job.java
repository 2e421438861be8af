package dev.lapse.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One scheduled occurrence of work: what to do ({@code type} and {@code payload}), when
 * ({@code dueAt}), and where it stands in its retries.
 *
 * @param payload       the job's JSON payload, as text
 * @param dueSpec       what the requester asked for: an ISO instant or a "delay:PT.." spec (used for idempotency)
 * @param occurrenceId  identifies this occurrence; a reschedule or a replay starts a new one, retries keep it
 * @param attempt       1 for the first try
 * @param retryPolicy   the job's own policy, if the request gave one
 * @param errors        errors of earlier attempts, oldest first
 */
public record Job(
        String jobId,
        String type,
        String payload,
        Instant dueAt,
        String dueSpec,
        String occurrenceId,
        int attempt,
        Optional<RetryPolicy> retryPolicy,
        List<AttemptError> errors,
        Instant scheduledAt,
        String requestedBy) {

    public Job {
        errors = List.copyOf(errors);
    }

    /** The DynamoDB TTL value: the due time rounded up to the next whole second, so TTL never fires early. */
    public long ttlEpochSeconds() {
        long seconds = dueAt.getEpochSecond();
        return dueAt.getNano() > 0 ? seconds + 1 : seconds;
    }

    /** Same job request: same type, payload, due spec and retry policy. */
    public boolean sameContentAs(Job other) {
        return type.equals(other.type)
                && JsonCanon.equal(payload, other.payload)
                && dueSpec.equals(other.dueSpec)
                && retryPolicy.equals(other.retryPolicy);
    }

    public Job withAttempt(int nextAttempt, Instant nextDue, List<AttemptError> history) {
        return new Job(jobId, type, payload, nextDue, dueSpec, occurrenceId, nextAttempt, retryPolicy, history,
                scheduledAt, requestedBy);
    }

    public Job rescheduled(Instant newDue, String newDueSpec, String newOccurrenceId) {
        return new Job(jobId, type, payload, newDue, newDueSpec, newOccurrenceId, 1, retryPolicy, List.of(),
                scheduledAt, requestedBy);
    }

    /** One failed attempt: when it ran and why it failed. */
    public record AttemptError(int attempt, Instant at, String error) {
    }
}
