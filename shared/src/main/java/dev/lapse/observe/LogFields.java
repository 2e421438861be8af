package dev.lapse.observe;

import dev.lapse.job.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The fields every log line carries while a job or a Lambda request is being handled, kept in SLF4J's MDC of the
 * thread doing the work: set when the work starts, put back as they were when it ends. Lapse's logger
 * ({@link LapseLogging}) writes them as JSON fields of each line (or after the message, in text).
 */
public final class LogFields {
    public static final String REQUEST_ID = "AWSRequestId";
    public static final String JOB_ID = "jobId";
    public static final String JOB_TYPE = "jobType";
    public static final String OCCURRENCE_ID = "occurrenceId";
    public static final String ATTEMPT = "attempt";
    public static final String TRIGGER = "trigger";
    /** In this order in a text line, and first among the fields of a JSON line. */
    static final List<String> ORDER = List.of(JOB_ID, JOB_TYPE, OCCURRENCE_ID, ATTEMPT, TRIGGER, REQUEST_ID);

    private LogFields() {
    }

    /** Ends what {@link #forJob} or {@link #forRequest} set: the fields are as they were before. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The fields of a job's attempt, taken up by {@code trigger} ("ttl", "due-jobs-queue", "schedule"). */
    public static Scope forJob(Job job, String trigger) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(JOB_ID, job.ownerJobId()); // a recurring job's occurrences log under its own id
        fields.put(JOB_TYPE, job.type());
        fields.put(OCCURRENCE_ID, job.occurrenceId());
        fields.put(ATTEMPT, Integer.toString(job.attempt()));
        fields.put(TRIGGER, trigger);
        return set(fields);
    }

    /** The Lambda request being handled (the invocation's {@code Context.getAwsRequestId()}). */
    public static Scope forRequest(String awsRequestId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(REQUEST_ID, awsRequestId);
        return set(fields);
    }

    /** The fields of this thread, to hand to another that works for it ({@link #adopt}). */
    public static Map<String, String> current() {
        Map<String, String> copy = MDC.getCopyOfContextMap();
        return copy == null ? Map.of() : copy;
    }

    /** Makes {@code fields} (from {@link #current()} on another thread) this thread's fields, and only them. */
    public static void adopt(Map<String, String> fields) {
        MDC.clear();
        fields.forEach(MDC::put);
    }

    private static Scope set(Map<String, String> fields) {
        Map<String, String> before = new LinkedHashMap<>();
        fields.forEach((key, value) -> {
            before.put(key, MDC.get(key));
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
        return () -> before.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
