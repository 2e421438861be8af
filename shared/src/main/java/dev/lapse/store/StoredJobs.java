package dev.lapse.store;

import dev.lapse.job.Job;
import dev.lapse.run.DueJobsQueue;
import dev.lapse.run.Jobs;
import dev.lapse.run.Occurrences;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runner's {@link Jobs} on DynamoDB: the Jobs table, its claims in the ledger, and the due-jobs queue. */
public final class StoredJobs implements Jobs {
    private static final Logger LOG = LoggerFactory.getLogger(StoredJobs.class);
    private final JobStore store;
    private final ExecutionLedger ledger;
    private final Optional<? extends DueJobsQueue> dueJobs;
    private final Clock clock;

    public StoredJobs(JobStore store, ExecutionLedger ledger, Optional<? extends DueJobsQueue> dueJobs, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.dueJobs = dueJobs;
        this.clock = clock;
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
    public boolean armNext(Job next) {
        if (!store.armNext(next)) {
            return false;
        }
        offer(next);
        return true;
    }

    @Override
    public java.util.Map<String, Job> getAll(java.util.Collection<String> jobIds) {
        return store.getAll(jobIds);
    }

    @Override
    public Taken takeAndClaim(Job read, java.time.Instant dueBy) {
        Taken taken = store.takeAndClaim(read, dueBy, ledger, job -> Occurrences.next(job, clock.instant()));
        taken.next().ifPresent(this::offer);
        return taken;
    }

    private void offer(Job job) {
        try {
            dueJobs.ifPresent(q -> q.offer(job));
        } catch (RuntimeException e) {
            // The occurrence is stored; the sweep or TTL still hands it over, only later.
            LOG.warn("job {} next occurrence stored but not queued on the due-jobs queue ({})", job.jobId(), e.toString());
        }
    }
}
