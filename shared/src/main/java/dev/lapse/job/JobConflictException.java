package dev.lapse.job;

/** The request contradicts the state of a stored job (different content, or not pending). */
public class JobConflictException extends RuntimeException {
    private final String code;
    private final String jobId;

    public JobConflictException(String code, String jobId, String message) {
        super(message);
        this.code = code;
        this.jobId = jobId;
    }

    /** JOB_CONFLICT when the jobId holds different content, JOB_NOT_PENDING when there is no pending job. */
    public String code() {
        return code;
    }

    public String jobId() {
        return jobId;
    }
}
