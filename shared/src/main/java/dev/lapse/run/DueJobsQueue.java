package dev.lapse.run;

import dev.lapse.job.Job;

/**
 * The due-jobs queue: a job due within 15 minutes is also sent here with a delay, so it runs within
 * seconds of its due time instead of waiting for DynamoDB's TTL sweeper (see {@link DueSoonQueue}).
 */
public interface DueJobsQueue {
    /** Sends the job if it is due within the queue's longest delay; returns whether it did. */
    boolean offer(Job job);

    /** Sends a message that arrived early again, for the rest of its delay. */
    boolean resend(DueSoonQueue.Message message);
}
