package dev.lapse.licence;

import dev.lapse.job.Job;
import dev.lapse.store.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The licence and its deactivation job in DynamoDB: PaidLicenses and Jobs, written in one transaction. */
public final class DynamoLicenceStore implements LicenceStore {
    private static final Set<String> CONTENDED = Set.of("None", "ConditionalCheckFailed", "TransactionConflict");

    private final PaidLicenses licences;
    private final JobStore jobs;

    public DynamoLicenceStore(PaidLicenses licences, JobStore jobs) {
        this.licences = licences;
        this.jobs = jobs;
    }

    @Override
    public SubscriptionOrder.Last last(String licenceId) {
        return licences.last(licenceId);
    }

    @Override
    public Optional<Job> job(String jobId) {
        return jobs.get(jobId);
    }

    @Override
    public boolean write(String licenceId, SubscriptionOrder.Stamp event, Optional<Instant> paidUntil, SubscriptionOrder.Last seen,
                         Optional<Job> seenJob, JobChange change) {
        String jobId = PaidLicenses.jobIdFor(licenceId);
        TransactWriteItem jobWrite = change instanceof JobChange.Put put ? jobs.putOver(seenJob, put.job())
                : change instanceof JobChange.Delete && seenJob.isPresent() ? jobs.deleteSeen(seenJob.get())
                : jobs.unchanged(jobId, seenJob);
        TransactWriteItem licenceWrite = licences.record(licenceId, event, paidUntil, seen);
        try {
            licences.dynamo().transactWriteItems(r -> r.transactItems(licenceWrite, jobWrite));
            return true;
        } catch (TransactionCanceledException e) {
            if (!contended(e)) {
                throw e;
            }
            return false;
        }
    }

    /** The licence or the job changed since it was read, or another transaction held it. */
    private static boolean contended(TransactionCanceledException e) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        return !reasons.isEmpty() && reasons.stream().allMatch(r -> r.code() == null || CONTENDED.contains(r.code()));
    }
}
