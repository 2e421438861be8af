package dev.lapse.run;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt at a due job, as the runner ended it: what history, metrics and logs are made of.
 *
 * @param trigger  the path that handed the job over: "ttl", "due-jobs-queue" or "schedule"
 * @param firedAt  when the runner took it up
 * @param detail   the action's outcome, the error, or why it did not run
 * @param readyAt  when it could first run: its due time, or when it was scheduled if that was later (a due time in the past)
 */
public record Attempt(String jobId, String jobType, String occurrenceId, int attempt, String trigger,
                      Instant dueAt, Instant firedAt, JobRunner.Outcome outcome, String detail, Instant readyAt) {

    /** An attempt at a job scheduled before its due time (ready at its due time). */
    public Attempt(String jobId, String jobType, String occurrenceId, int attempt, String trigger, Instant dueAt, Instant firedAt,
                   JobRunner.Outcome outcome, String detail) {
        this(jobId, jobType, occurrenceId, attempt, trigger, dueAt, firedAt, outcome, detail, dueAt);
    }

    /** How late the attempt was taken up after its due time, in milliseconds (negative if early: the runner then puts it back). */
    public long latenessMs() {
        return Duration.between(dueAt, firedAt).toMillis();
    }

    /**
     * How late Lapse took it up after it could first run, in milliseconds: as {@link #latenessMs} for a job scheduled ahead
     * of its due time; from when it was scheduled for one whose due time had already passed (what Lapse is answerable for).
     */
    public long lateAfterReadyMs() {
        return Duration.between(readyAt.isAfter(dueAt) ? readyAt : dueAt, firedAt).toMillis();
    }
}
