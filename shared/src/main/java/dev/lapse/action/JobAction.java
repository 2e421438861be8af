package dev.lapse.action;

import dev.lapse.job.Job;
import java.time.Instant;

/** What a job does when it is due. Built-in actions are chosen by job type; every other type emits "Job Due". */
public interface JobAction {

    /**
     * Runs the job once. An action that writes its effect and the ledger's DONE state together (an adapter
     * built with the ledger, as {@code licence.LicenceDeactivation} is) returns a result with
     * {@code ledgerFinished = true}; otherwise the runner finishes the ledger after it returns.
     *
     * @throws RuntimeException the attempt failed: transient AWS errors are retried by the stream,
     *                          anything else re-arms the job with backoff
     */
    Result run(Job job, Run run);

    /**
     * Whether running it may put an event on the bus. One that never does runs aside from its batch's joined
     * {@code PutEvents} call ({@code run.RecordBatch#aside}): the batch's other jobs publish without waiting for it.
     */
    default boolean publishesEvents() {
        return true;
    }

    /** What one run of an action did. */
    record Result(String outcome, boolean ledgerFinished) {
    }

    /** The context of one run: when it fired, and what fired it ({@code due-jobs-queue}, {@code ttl}, {@code schedule}). */
    record Run(Instant firedAt, String trigger) {
    }
}
