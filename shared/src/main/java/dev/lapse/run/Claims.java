package dev.lapse.run;

import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger;
import java.util.Optional;

/** The runner's view of the execution ledger: one claim per occurrence attempt (see {@link ExecutionLedger}). */
public interface Claims {

    ExecutionLedger.ClaimResult claim(Job job);

    /** Gives the claim back after a transient failure; best effort (the lease runs out by itself). */
    void release(String occurrenceId, int attempt);

    /** Finishes a claim in {@code state}; false if it could not (no longer ours, or the store kept failing). */
    boolean finishPatiently(String occurrenceId, int attempt, ExecutionLedger.State state, String outcome);

    /**
     * Drops the copy kept in a claim that was given back, once its job is back in the table: from then on only the
     * table's job can run, so a cancel or a reschedule of it holds. Best effort; a claim no longer given back is left alone.
     */
    void forgetCopy(String occurrenceId);

    /** The copy of the job kept in a claim that was given back or whose lease ran out; empty otherwise. */
    Optional<Job> recoverable(String occurrenceId);

    /** The state of an occurrence, or null if it was never claimed. */
    ExecutionLedger.State state(String occurrenceId);
}
