package dev.lapse.inspect;

import dev.lapse.job.Job;
import dev.lapse.run.Attempt;
import dev.lapse.run.AttemptObserver;
import dev.lapse.run.JobRunner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What happened to each job, kept for a while: one record per attempt that ran, was re-armed for a retry or was
 * dead-lettered, and one per cancellation (written by the runner, the scheduler and the replay); read by "Get Job" and
 * "List Jobs". The DynamoDB adapter is {@link JobHistory}.
 */
public interface History extends AttemptObserver {
    /** The attempts worth keeping; duplicates, deferrals and early arrivals change nothing a user asks about. */
    Set<JobRunner.Outcome> KEPT = Set.of(JobRunner.Outcome.RAN, JobRunner.Outcome.RETRY_SCHEDULED, JobRunner.Outcome.DEAD_LETTERED);

    /** One record of a job's story. */
    record Entry(String jobId, String jobType, String occurrenceId, int attempt, Instant dueAt, Instant firedAt,
                 long latenessMs, String trigger, String outcome, String detail) {
        /** The record of a kept attempt. */
        static Entry of(Attempt a) {
            return new Entry(a.jobId(), a.jobType(), a.occurrenceId(), a.attempt(), a.dueAt(), a.firedAt(), a.latenessMs(), a.trigger(),
                    a.outcome().name(), a.detail());
        }

        /** The record of a cancellation: the job's item is gone, and this tells "cancelled" from "never existed". */
        static Entry cancellation(String jobId, String jobType, String occurrenceId, Instant dueAt, Instant at, String by) {
            return new Entry(jobId, jobType, occurrenceId, 0, dueAt, at, 0, "cancel", "CANCELLED", "cancelled by " + by);
        }

        /**
         * {@code firedAt} with every fraction digit written: {@link Instant#toString()} writes 0, 3, 6 or 9 of them, and
         * "…00.123Z" would sort after "…00.123456Z" and "…00Z" after "…00.5Z".
         */
        static final java.time.format.DateTimeFormatter SORTABLE = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
                .withZone(java.time.ZoneOffset.UTC);

        /** Its place in the job's story: {@code <firedAt>#<occurrenceId>#<attempt>}, in time order (see {@link #SORTABLE}). */
        public String at() {
            return SORTABLE.format(firedAt) + "#" + occurrenceId + "#" + attempt;
        }

        boolean isDeadLetter() {
            return outcome.equals(JobRunner.Outcome.DEAD_LETTERED.name());
        }
    }

    /** A dead letter not yet replayed, as listed. */
    record DeadLetter(Entry entry) {
        /** Where a page that ends with it ends. */
        public Position position() {
            return new Position(entry.jobId(), entry.at());
        }
    }

    /** Where a page of dead letters ended: its last one's job id and place in its story. */
    record Position(String jobId, String at) {
    }

    /** A cancelled job's last record. */
    void cancelled(String jobId, String jobType, String occurrenceId, Instant dueAt, String by);

    /** A job's story, newest first, at most {@code limit} records. */
    List<Entry> of(String jobId, int limit);

    /** Dead letters not yet replayed, newest first, at most {@code limit}, after {@code after} (the last one listed). */
    List<DeadLetter> deadLetters(int limit, Optional<Position> after);

    /** The replay put the occurrence's job back: its dead letter leaves the list (its record stays in the story). */
    void replayed(String jobId, String occurrenceId);

    /**
     * As {@link #replayed(String, String)} for a replayed job: its records are its owner's, so an occurrence of a recurring
     * job (a copy under an id of its own) is found under the recurring job's id, where its attempts were recorded.
     */
    default void replayed(Job job) {
        replayed(job.ownerJobId(), job.occurrenceId());
    }
}
