package dev.lapse.licence;

import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies "Subscription Cancelled" and "Subscription Reactivated" to a licence and its deactivation job
 * together: one write of the {@link LicenceStore} records the licence's status and puts, keeps or deletes the
 * job, on the condition that neither changed since they were read (on DynamoDB, one transaction). Whatever the interleaving of concurrent events,
 * a licence is CANCELLED with its deactivation job pending, or ACTIVE with none (until the job runs).
 * Which event wins is {@link SubscriptionOrder}'s rule, decided on what was read; a write that finds
 * the licence or the job changed reads again and decides again.
 */
public final class SubscriptionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionEvents.class);
    private static final int ATTEMPTS = 25;

    /**
     * What an event did.
     *
     * @param stale  true when a later event had been applied: nothing was written
     * @param before the licence's deactivation job before the event
     * @param after  the job after it (the one kept when the event asked for the same one)
     */
    public record Applied(boolean stale, Optional<Job> before, Optional<Job> after) {
    }

    private final LicenceStore store;
    private final Predicate<Job> ranForGood;

    /** {@code ranForGood}: whether a stored job's occurrence has already run for good (its item is a copy left behind). */
    public SubscriptionEvents(LicenceStore store, Predicate<Job> ranForGood) {
        this.store = store;
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
            SubscriptionOrder.Last seen = store.last(licenceId);
            if (event.intent() == SubscriptionOrder.Intent.CANCEL
                    && seen.status().filter(s -> s == PaidLicenses.Status.DEACTIVATED).isPresent()) {
                throw new JobConflictException("LICENCE_DEACTIVATED", jobId, List.of("detail.licenceId"), "licence " + licenceId
                        + " is already deactivated; a cancelled subscription cannot be scheduled for it again");
            }
            if (!SubscriptionOrder.supersedes(event, seen)) {
                return new Applied(true, Optional.empty(), Optional.empty());
            }
            Optional<Job> current = store.job(jobId);
            if (current.isPresent() && !PaidLicenses.JOB_TYPE.equals(current.get().type())) {
                throw new JobConflictException("JOB_CONFLICT", jobId, List.of("detail.licenceId"), "job id " + jobId
                        + " is held by a job of type " + current.get().type() + ", scheduled before such ids were reserved for"
                        + " licences; delete that item from the Jobs table, then send the subscription event again");
            }
            boolean same = wanted.isPresent() && current.isPresent() && current.get().sameContentAs(wanted.get())
                    && !ranForGood.test(current.get());
            Optional<Job> after = same ? current : wanted;
            LicenceStore.JobChange change = same ? new LicenceStore.JobChange.Keep()
                    : wanted.isPresent() ? new LicenceStore.JobChange.Put(wanted.get()) : new LicenceStore.JobChange.Delete();
            if (store.write(licenceId, event, paidUntil, seen, current, change)) {
                return new Applied(false, current, after);
            }
            if (attempt == ATTEMPTS) {
                throw new TransientFailureException("licence " + licenceId + " kept changing while a subscription event was"
                        + " applied (" + ATTEMPTS + " attempts); try again");
            }
            LOG.info("licence {} or its deactivation job changed while a subscription event was applied; reading again", licenceId);
            pause(attempt);
        }
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
