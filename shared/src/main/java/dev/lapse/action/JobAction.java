package dev.lapse.action;

import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger;
import java.time.Instant;

/** What a job does when it is due. Built-in actions are chosen by job type; every other type emits "Job Due". */
public interface JobAction {

    /**
     * Runs the job once. An action that can write its effect and the ledger's DONE state in one
     * DynamoDB transaction does so through {@code run.finishWrite(...)} and returns a result with
     * {@code ledgerFinished = true}; otherwise the runner finishes the ledger after it returns.
     *
     * @throws RuntimeException the attempt failed: transient AWS errors are retried by the stream,
     *                          anything else re-arms the job with backoff
     */
    Result run(Job job, Run run);

    /** What one run of an action did. */
    record Result(String outcome, boolean ledgerFinished) {
    }

    /** The context of one run: when it fired, and how to finish its ledger record atomically. */
    record Run(Instant firedAt, ExecutionLedger ledger, String trigger) {
        public software.amazon.awssdk.services.dynamodb.model.TransactWriteItem finishWrite(Job job, String outcome) {
            return ledger.finishWrite(job.occurrenceId(), job.attempt(), ExecutionLedger.State.DONE, outcome);
        }
    }
}
