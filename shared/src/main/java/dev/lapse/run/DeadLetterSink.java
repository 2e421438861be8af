package dev.lapse.run;

import dev.lapse.job.Job;
import java.time.Instant;

/** Where a job goes when Lapse gives up on it (the jobs dead-letter queue). */
public interface DeadLetterSink {
    void send(Job job, String reason, Instant at);
}
