package dev.lapse.store;

/** A stored job that cannot be read back (an attribute missing or of the wrong type). */
public class CorruptJobException extends RuntimeException {
    private final String jobId;

    public CorruptJobException(String jobId, String problem) {
        super("job " + jobId + ": " + problem);
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
