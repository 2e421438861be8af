package dev.lapse.schedule;

import dev.lapse.job.Job;
import dev.lapse.store.JobStore;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** What scheduling needs of the stored jobs: create, cancel and move a pending job. */
public interface ScheduledJobs {

    /** The job now stored, and whether this call wrote it. */
    record Created(Job job, boolean written) {
    }

    /**
     * Stores a new job; a pending job with the same id and content is returned unwritten, one with other content is a
     * JOB_CONFLICT naming the fields. A stored job that {@code ranForGood} is no longer pending: the new job replaces it.
     */
    Created create(Job job, Predicate<Job> ranForGood);

    /** Deletes a pending job; empty if there is none. */
    Optional<Job> cancel(String jobId);

    /**
     * Moves a pending job to a new due time as a new occurrence; JOB_NOT_PENDING if there is none, or if the stored job
     * {@code ranForGood} (a copy left behind while it ran is not a pending job). The moved job is scheduled {@code at}.
     */
    Job reschedule(String jobId, Instant dueAt, String dueSpec, UnaryOperator<String> nextOccurrence, Predicate<Job> ranForGood,
                   Instant at);

    /** The stored item of {@code jobId}, pending or not. */
    Optional<Job> get(String jobId);

    /** Writes {@code next} over {@code seen}; false, writing nothing, if the item is no longer that occurrence at that attempt. */
    boolean replace(Job seen, Job next);

    /** The Jobs table. */
    static ScheduledJobs in(JobStore store) {
        return new ScheduledJobs() {
            @Override
            public Created create(Job job, Predicate<Job> ranForGood) {
                JobStore.Created created = store.create(job, ranForGood);
                return new Created(created.job(), created.written());
            }

            @Override
            public Optional<Job> cancel(String jobId) {
                return store.cancel(jobId);
            }

            @Override
            public Job reschedule(String jobId, Instant dueAt, String dueSpec, UnaryOperator<String> nextOccurrence,
                    Predicate<Job> ranForGood, Instant at) {
                return store.reschedule(jobId, dueAt, dueSpec, nextOccurrence, ranForGood, at);
            }

            @Override
            public Optional<Job> get(String jobId) {
                return store.get(jobId);
            }

            @Override
            public boolean replace(Job seen, Job next) {
                return store.replace(seen, next);
            }
        };
    }
}
