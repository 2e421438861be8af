package dev.lapse.licence;

import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import dev.lapse.store.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Applies "Subscription Cancelled" and "Subscription Reactivated" to a licence and its deactivation job
 * together: one DynamoDB transaction writes the licence's status and puts or deletes the job, on the
 * condition that neither changed since they were read. Whatever the interleaving of concurrent events,
 * a licence is CANCELLED with its deactivation job pending, or ACTIVE with none (until the job runs).
 * Which event wins is {@link SubscriptionOrder}'s rule, decided on what was read; a write that finds
 * the licence or the job changed reads again and decides again.
 */
public final class SubscriptionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionEvents.class);
    private static final int ATTEMPTS = 25;
    private static final Set<String> CONTENDED = Set.of("None", "ConditionalCheckFailed", "TransactionConflict");

    /**
     * What an event did.
     *
     * @param stale  true when a later event had been applied: nothing was written
     * @param before the licence's deactivation job before the event
     * @param after  the job after it (the one kept when the event asked for the same one)
     */
    public record Applied(boolean stale, Optional<Job> before, Optional<Job> after) {
    }

    private final PaidLicenses licences;
    private final JobStore jobs;
    private final Predicate<Job> ranForGood;

    /** {@code ranForGood}: whether a stored job's occurrence has already run for good (its item is a copy left behind). */
    public SubscriptionEvents(PaidLicenses licences, JobStore jobs, Predicate<Job> ranForGood) {
        this.licences = licences;
        this.jobs = jobs;
        this.ranForGood = ranForGood;
    }

    /** The subscription was cancelled: the licence is CANCELLED until {@code paidUntil}, and {@code deactivation} is pending. */
    public Applied cancelled(String licenceId, Instant paidUntil, SubscriptionOrder.Stamp event, Job deactivation) {
        return apply(licenceId, event, Optional.of(paidUntil), Optional.of(deactivation));
    }

    /** The subscription was reactivated: the licence is ACTIVE and its deactivation job is gone. */
    public Applied reactivated(String licenceId, SubscriptionOrder.Stamp event) {
        return apply(licenceId, event, Optional.empty(), Optional.empty());
    }

    private Applied apply(String licenceId, SubscriptionOrder.Stamp event, Optional<Instant> paidUntil, Optional<Job> wanted) {
        String jobId = PaidLicenses.jobIdFor(licenceId);
        for (int attempt = 1; ; attempt++) {
            SubscriptionOrder.Last seen = licences.last(licenceId);
            if (event.intent() == SubscriptionOrder.Intent.CANCEL
                    && seen.status().filter(s -> s == PaidLicenses.Status.DEACTIVATED).isPresent()) {
                throw new JobConflictException("LICENCE_DEACTIVATED", jobId, List.of("detail.licenceId"), "licence " + licenceId
                        + " is already deactivated; a cancelled subscription cannot be scheduled for it again");
            }
            if (!SubscriptionOrder.supersedes(event, seen)) {
                return new Applied(true, Optional.empty(), Optional.empty());
            }
            Optional<Job> current = jobs.get(jobId);
            if (current.isPresent() && !PaidLicenses.JOB_TYPE.equals(current.get().type())) {
                throw new JobConflictException("JOB_CONFLICT", jobId, List.of("detail.licenceId"), "job id " + jobId
                        + " is held by a job of type " + current.get().type() + ", scheduled before such ids were reserved for"
                        + " licences; delete that item from the Jobs table, then send the subscription event again");
            }
            Optional<Job> after;
            TransactWriteItem jobWrite;
            if (wanted.isPresent()) {
                boolean same = current.isPresent() && current.get().sameContentAs(wanted.get()) && !ranForGood.test(current.get());
                after = same ? current : wanted;
                jobWrite = same ? jobs.unchanged(jobId, current) : jobs.putOver(current, wanted.get());
            } else {
                after = Optional.empty();
                jobWrite = current.isPresent() ? jobs.deleteSeen(current.get()) : jobs.unchanged(jobId, current);
            }
            TransactWriteItem licenceWrite = licences.record(licenceId, event, paidUntil, seen);
            try {
                licences.dynamo().transactWriteItems(r -> r.transactItems(licenceWrite, jobWrite));
                return new Applied(false, current, after);
            } catch (TransactionCanceledException e) {
                if (!contended(e)) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    throw new TransientFailureException("licence " + licenceId + " kept changing while a subscription event was"
                            + " applied (" + ATTEMPTS + " attempts); try again", e);
                }
                LOG.info("licence {} or its deactivation job changed while a subscription event was applied; reading again", licenceId);
                pause(attempt);
            }
        }
    }

    /** The licence or the job changed since it was read, or another transaction held it: read again and decide again. */
    private static boolean contended(TransactionCanceledException e) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        return !reasons.isEmpty() && reasons.stream().allMatch(r -> r.code() == null || CONTENDED.contains(r.code()));
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying a subscription event", e);
        }
    }
}
