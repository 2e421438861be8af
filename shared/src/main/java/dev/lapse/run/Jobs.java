package dev.lapse.run;

import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** The runner's view of the Jobs table: pending jobs it puts back and takes out. */
public interface Jobs {

    /**
     * Puts a job back on schedule at its (new) due time, and offers it to the due-jobs queue; false if the
     * item under its id is no longer this occurrence at an earlier attempt (a newer job is kept).
     */
    boolean rearm(Job job);

    Optional<Job> get(String jobId);

    /** The stored jobs under these ids, read together (one call for a batch); an id missing from the answer may still be there. */
    Map<String, Job> getAll(Collection<String> jobIds);

    /**
     * Takes a due job out of the table and claims it in the ledger at once, so it is never out of both; only if it is due
     * by {@code dueBy} (a message left from an earlier attempt must not take a later one before its time).
     * Empty job if the item is gone or holds another occurrence; a job with a refused claim if this
     * attempt is claimed elsewhere.
     */
    default Taken takeAndClaim(String jobId, String occurrenceId, Instant dueBy) {
        return get(jobId).filter(j -> j.occurrenceId().equals(occurrenceId)).map(j -> takeAndClaim(j, dueBy))
                .orElseGet(() -> new Taken(Optional.empty(), null));
    }

    /**
     * As {@link #takeAndClaim(String, String, Instant)} for a job as it was read: empty if the item no longer holds its
     * occurrence at its attempt, if it is a paused or cancelled series, or if it is not due by {@code dueBy}.
     */
    Taken takeAndClaim(Job read, Instant dueBy);

    /**
     * Arms a recurring job's next occurrence where TTL took the item, and offers it to the due-jobs queue; false if an item
     * is already there (armed by another delivery, paused, cancelled, or a new job under the id), which is kept.
     */
    boolean armNext(Job next);

    /** What {@link #takeAndClaim} found; for a recurring job, the next occurrence armed in its place. */
    record Taken(Optional<Job> job, ExecutionLedger.ClaimResult claim, Optional<Job> next) {
        public Taken(Optional<Job> job, ExecutionLedger.ClaimResult claim) {
            this(job, claim, Optional.empty());
        }
    }
}
