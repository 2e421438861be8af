package dev.lapse.job;

import java.time.Instant;

/**
 * What makes a job one occurrence of a recurring job. The series is one item in the Jobs table under its own
 * {@code jobId}, holding its recurrence and its next occurrence; when an occurrence is taken to run, the next one is
 * armed in its place. An occurrence that has to wait (a retry, a deferral) waits as a copy under
 * {@link #copyId(Instant, long)}, so the series keeps its schedule meanwhile.
 *
 * @param jobId        the recurring job's id, as its owner named it
 * @param sequence     1 for the first occurrence, one more for each occurrence armed after it
 * @param scheduledFor the instant the occurrence is scheduled for (its due time, unless it was a caught-up missed one)
 * @param state        ACTIVE; PAUSED (kept, never due); CANCELLED (kept a while so waiting copies know, never due)
 */
public record Series(String jobId, Recurrence recurrence, long sequence, Instant scheduledFor, State state) {

    public enum State { ACTIVE, PAUSED, CANCELLED }

    /** The prefix of an occurrence copy's id; reserved, a user job may not take it. */
    public static final String COPY_PREFIX = "series:";

    /**
     * The id under which occurrence {@code sequence} of the recurring job scheduled at {@code scheduledAt} waits for a
     * retry: {@code series:<jobId>:<scheduledAt epoch ms>:<sequence>}, so a new job under the same id never meets the
     * waiting copies of an earlier one.
     */
    public String copyId(Instant scheduledAt, long sequence) {
        return COPY_PREFIX + jobId + ":" + scheduledAt.toEpochMilli() + ":" + sequence;
    }

    public Series with(long nextSequence, Instant nextScheduledFor, State nextState) {
        return new Series(jobId, recurrence, nextSequence, nextScheduledFor, nextState);
    }

    public Series with(Recurrence changed) {
        return new Series(jobId, changed, sequence, scheduledFor, state);
    }
}
