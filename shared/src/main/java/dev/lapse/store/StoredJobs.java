package dev.lapse.store;

import dev.lapse.job.Job;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.Jobs;
import java.util.Optional;

/** The runner's {@link Jobs} on DynamoDB: the Jobs table, its claims in the ledger, and the due-jobs queue. */
public final class StoredJobs implements Jobs {
    private final JobStore store;
    private final ExecutionLedger ledger;
    private final Optional<? extends DueJobsQueue> dueJobs;

    public StoredJobs(JobStore store, ExecutionLedger ledger, Optional<? extends DueJobsQueue> dueJobs) {
        this.store = store;
        this.ledger = ledger;
        this.dueJobs = dueJobs;
    }

    @Override
    public boolean rearm(Job job) {
        if (!store.rearm(job)) {
            return false;
        }
        dueJobs.ifPresent(q -> q.offer(job));
        return true;
    }

    @Override
    public Optional<Job> get(String jobId) {
        return store.get(jobId);
    }

    @Override
    public Taken takeAndClaim(String jobId, String occurrenceId) {
        return store.takeAndClaim(jobId, occurrenceId, ledger);
    }
}
