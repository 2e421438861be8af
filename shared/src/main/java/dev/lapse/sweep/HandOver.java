package dev.lapse.sweep;

import dev.lapse.run.DueJobsQueue;
import java.time.Instant;
import java.util.List;

/** Sends due-jobs messages in batches (at most {@link #MAX_BATCH} a call). */
public interface HandOver {
    int MAX_BATCH = 10;

    /** Sends the messages, each with its delay until its due time; returns those the queue accepted. */
    List<DueJobsQueue.Message> send(List<DueJobsQueue.Message> batch);

    /**
     * When, at or after {@code earliest}, to send the message of a job due at {@code due} so that it arrives just before
     * its due time: a queue whose delays are coarser than its clock (SQS: whole seconds) answers an instant within the
     * next delay step. By default at once.
     */
    default Instant sendAt(Instant due, Instant earliest) {
        return earliest;
    }
}
