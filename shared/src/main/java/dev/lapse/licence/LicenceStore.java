package dev.lapse.licence;

import dev.lapse.job.Job;
import java.time.Instant;
import java.util.Optional;

/**
 * What applying a subscription event needs of storage: the licence's last event, its deactivation job,
 * and one write of both that happens only if neither changed since they were read.
 */
public interface LicenceStore {

    /** What the licence remembers of the last subscription event applied ({@link SubscriptionOrder.Last#NONE} if none). */
    SubscriptionOrder.Last last(String licenceId);

    /** The stored job under {@code jobId}, if any. */
    Optional<Job> job(String jobId);

    /** What becomes of the licence's deactivation job as it was read. */
    sealed interface JobChange {
        /** Left as it is. */
        record Keep() implements JobChange {
        }

        /** Replaced by (or, when none was read, created as) {@code job}. */
        record Put(Job job) implements JobChange {
        }

        /** Deleted. */
        record Delete() implements JobChange {
        }
    }

    /**
     * Records {@code event} on the licence (CANCELLED until {@code paidUntil}, or ACTIVE) and applies {@code change}
     * to its job, together. False, writing nothing, if the licence is no longer {@code seen} or the job no longer {@code seenJob}.
     */
    boolean write(String licenceId, SubscriptionOrder.Stamp event, Optional<Instant> paidUntil, SubscriptionOrder.Last seen,
                  Optional<Job> seenJob, JobChange change);
}
