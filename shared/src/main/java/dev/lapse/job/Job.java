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
 * @param series        for an occurrence of a recurring job, which one it is (see {@link Series})
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
        String requestedBy,
        Optional<Series> series) {
    /** How long ago a job may be due when it is scheduled (or replayed): it then runs at once. */
    public static final java.time.Duration MAX_PAST_DUE = java.time.Duration.ofDays(1);
    /** How far ahead a job may be due. */
    public static final java.time.Duration MAX_DUE_AHEAD = java.time.Duration.ofDays(5 * 365);

    public Job {
        errors = List.copyOf(errors);
    }

    /** A one-time job. */
    public Job(String jobId, String type, String payload, Instant dueAt, String dueSpec, String occurrenceId, int attempt,
               Optional<RetryPolicy> retryPolicy, List<AttemptError> errors, Instant scheduledAt, String requestedBy) {
        this(jobId, type, payload, dueAt, dueSpec, occurrenceId, attempt, retryPolicy, errors, scheduledAt, requestedBy,
                Optional.empty());
    }

    /** Whether this is the item of a recurring job (not a waiting copy of one of its occurrences). */
    public boolean isSeries() {
        return series.isPresent() && series.get().jobId().equals(jobId);
    }

    /** Whether this is a recurring job that is paused or cancelled: never due, never run. */
    public boolean isDormant() {
        return isSeries() && series.get().state() != Series.State.ACTIVE;
    }

    /** A paused recurring job: it waits for Resume Job, never for TTL (its item has no {@code ttl}). */
    public boolean isPaused() {
        return isDormant() && series.get().state() == Series.State.PAUSED;
    }

    /** Whether this is a cancelled recurring job, kept only so that its waiting occurrences know. */
    public boolean isCancelledSeries() {
        return isDormant() && series.get().state() == Series.State.CANCELLED;
    }

    /** The id its owner knows it by: a recurring job's own id for any of its occurrences. */
    public String ownerJobId() {
        return series.map(Series::jobId).orElse(jobId);
    }

    /**
     * An active recurring job's next {@code n} fire times, from the occurrence armed now, with its zone's offset; empty
     * for any other job. (A caught-up missed occurrence, due now, is not listed: it is running.)
     */
    public List<String> nextRuns(int n) {
        if (!isSeries() || isDormant()) {
            return List.of();
        }
        Series s = series.get();
        Instant from = s.scheduledFor().isBefore(dueAt) ? dueAt : s.scheduledFor().minusNanos(1);
        return s.recurrence().nextRuns(from, n);
    }

    /** The occurrence as a copy that can wait on its own (a retry, a deferral), leaving the series item to the next one. */
    public Job waitingCopy() {
        if (!isSeries()) {
            return this;
        }
        return new Job(series.get().copyId(scheduledAt, series.get().sequence()), type, payload, dueAt, dueSpec, occurrenceId,
                attempt, retryPolicy, errors, scheduledAt, requestedBy, series);
    }

    /** The recurring job with its next occurrence (a new occurrence id, attempts reset). */
    public Job nextOccurrence(Series next, Instant nextDue, String nextOccurrenceId) {
        return new Job(jobId, type, payload, nextDue, dueSpec, nextOccurrenceId, 1, retryPolicy, List.of(), scheduledAt,
                requestedBy, Optional.of(next));
    }

    /** The DynamoDB TTL value: the due time rounded up to the next whole second, so TTL never fires early. */
    public long ttlEpochSeconds() {
        long seconds = dueAt.getEpochSecond();
        return dueAt.getNano() > 0 ? seconds + 1 : seconds;
    }

    /**
     * The DynamoDB TTL value when another path is meant to run the job first: {@link #ttlEpochSeconds()} plus
     * {@code grace} (whole seconds), so TTL stays the safety net behind that path instead of racing it.
     */
    public long ttlEpochSeconds(java.time.Duration grace) {
        return ttlEpochSeconds() + grace.toSeconds();
    }

    /** Same job request: same type, payload, due spec and retry policy. */
    public boolean sameContentAs(Job other) {
        return differencesFrom(other).isEmpty();
    }

    /**
     * The request fields in which {@code other} (a new request for this job's id) differs from this job,
     * as the request names them: {@code detail.jobType}, {@code detail.payload}, {@code detail.dueAt} or
     * {@code detail.delay} (as the new request gave it), {@code detail.retry}.
     */
    public List<String> differencesFrom(Job other) {
        List<String> fields = new java.util.ArrayList<>();
        if (!type.equals(other.type)) {
            fields.add("detail.jobType");
        }
        if (!JsonCanon.equal(payload, other.payload)) {
            fields.add("detail.payload");
        }
        if (!dueRequest(dueSpec).equals(dueRequest(other.dueSpec))) {
            fields.add(other.dueSpec.startsWith(RECURRENCE) ? "detail.recurrence"
                    : other.dueSpec.startsWith(DELAY) ? "detail.delay" : "detail.dueAt");
        }
        if (!retryPolicy.equals(other.retryPolicy)) {
            fields.add("detail.retry");
        }
        return fields;
    }

    private static final String DELAY = "delay:";
    /** The due spec of a recurring job: {@code recurrence:} and the recurrence as it was asked for. */
    public static final String RECURRENCE = "recurrence:";

    /** A delay counts as what was asked ({@code delay:PT10S}); jobs stored before that also kept the time it counted from. */
    private static String dueRequest(String spec) {
        int at = spec.indexOf('@');
        return spec.startsWith(DELAY) && at > 0 ? spec.substring(0, at) : spec;
    }

    public Job withAttempt(int nextAttempt, Instant nextDue, List<AttemptError> history) {
        return new Job(jobId, type, payload, nextDue, dueSpec, occurrenceId, nextAttempt, retryPolicy, history,
                scheduledAt, requestedBy, series);
    }

    /** This job moved to {@code newDue} as a new occurrence, scheduled {@code at} (the reschedule's time). */
    public Job rescheduled(Instant newDue, String newDueSpec, String newOccurrenceId, Instant at) {
        return new Job(jobId, type, payload, newDue, newDueSpec, newOccurrenceId, 1, retryPolicy, List.of(),
                at, requestedBy, series);
    }

    /** One failed attempt: when it ran and why it failed. */
    public record AttemptError(int attempt, Instant at, String error) {
    }
}
