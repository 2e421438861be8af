package dev.lapse.sweep;

import java.time.Instant;
import java.util.List;

/** The jobs of the due-time index that still wait to be handed to the due-jobs queue. */
public interface PendingJobs {
    /** A job the index points at. */
    record Pending(String jobId, String occurrenceId, Instant dueAt) {
    }

    /** The jobs of one bucket ({@link DueBuckets#bucket}) due at or before {@code until}. */
    List<Pending> dueBy(String bucket, Instant until);

    /**
     * Marks a job handed over (it leaves the index) if it is still this occurrence and not marked yet; returns
     * whether it did. A job cancelled or rescheduled meanwhile is left as it is.
     */
    boolean markHanded(Pending job, Instant at);
}
