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

    /** JOB_CONFLICT when the jobId holds different content, JOB_NOT_PENDING when there is no pending job. */
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
}
