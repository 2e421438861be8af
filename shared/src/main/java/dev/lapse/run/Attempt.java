package dev.lapse.run;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt at a due job, as the runner ended it: what history, metrics and logs are made of.
 *
 * @param trigger  the path that handed the job over: "ttl", "due-jobs-queue" or "schedule"
 * @param firedAt  when the runner took it up
 * @param detail   the action's outcome, the error, or why it did not run
 */
public record Attempt(String jobId, String jobType, String occurrenceId, int attempt, String trigger,
                      Instant dueAt, Instant firedAt, JobRunner.Outcome outcome, String detail) {

    /** How late the attempt was taken up, in milliseconds (negative if early: the runner then puts it back). */
    public long latenessMs() {
        return Duration.between(dueAt, firedAt).toMillis();
    }
}
