package dev.lapse.sweep;

import dev.lapse.run.DueJobsQueue;
import java.util.List;

/** Sends due-jobs messages in batches (at most {@link #MAX_BATCH} a call). */
public interface HandOver {
    int MAX_BATCH = 10;

    /** Sends the messages, each with its delay until its due time; returns those the queue accepted. */
    List<DueJobsQueue.Message> send(List<DueJobsQueue.Message> batch);
}
