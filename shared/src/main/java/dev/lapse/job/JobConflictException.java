package dev.lapse.job;

import java.util.List;

/** The request contradicts the state of a stored job (different content, or not pending). */
public class JobConflictException extends RuntimeException {
    private final String code;
    private final String jobId;
    private final List<String> fields;

    public JobConflictException(String code, String jobId, String message) {
        this(code, jobId, List.of(), message);
    }

    /** {@code fields}: the request's fields that conflict (e.g. {@code detail.payload}), first the most telling. */
    public JobConflictException(String code, String jobId, List<String> fields, String message) {
        super(message);
        this.code = code;
        this.jobId = jobId;
        this.fields = List.copyOf(fields);
    }

    /**
     * JOB_CONFLICT when the jobId holds different content, JOB_NOT_PENDING when there is no pending job, JOB_IS_RECURRING
     * or JOB_NOT_RECURRING when the request is for the other kind of job, JOB_CONTENDED when a recurring job kept changing.
     */
    public String code() {
        return code;
    }

    public String jobId() {
        return jobId;
    }

    /** The request's fields that differ from the stored job; empty when the conflict is about the id itself. */
    public List<String> fields() {
        return fields;
    }

    /** A JOB_CONFLICT naming the request's fields that differ from the pending job. */
    public static JobConflictException differs(Job existing, List<String> differences) {
        return new JobConflictException("JOB_CONFLICT", existing.jobId(), differences, "job " + existing.jobId()
                + " is already pending with a different " + String.join(", ", differences) + " (pending: type " + existing.type()
                + ", due " + existing.dueAt() + "); the same id with the same content is the same job. Cancel it first or use another jobId");
    }

    /** JOB_NOT_PENDING: no pending job under the id. */
    public static JobConflictException notPending(String jobId) {
        return new JobConflictException("JOB_NOT_PENDING", jobId, "job " + jobId
                + " is not pending: it was never scheduled, was cancelled, or has already run");
    }

    /** JOB_IS_RECURRING: a one-time request (a due time) for a recurring job. */
    public static JobConflictException recurring(String jobId) {
        return new JobConflictException("JOB_IS_RECURRING", jobId, "job " + jobId + " is a recurring job: reschedule it with"
                + " detail.recurrence (from its next occurrence on), or pause, resume or cancel it");
    }
}
