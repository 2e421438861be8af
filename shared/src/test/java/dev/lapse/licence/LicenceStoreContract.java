package dev.lapse.licence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.licence.LicenceStore.JobChange;
import dev.lapse.licence.SubscriptionOrder.Intent;
import dev.lapse.licence.SubscriptionOrder.Last;
import dev.lapse.licence.SubscriptionOrder.Stamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What applying subscription events relies on of storage ({@link LicenceStore}): the licence's last event and its
 * deactivation job, written together only if neither changed since they were read. Run against the in-memory fake
 * ({@code InMemoryStoresContractTest}) and the DynamoDB adapter on DynamoDB Local ({@code DynamoAdaptersContractTest}).
 */
public abstract class LicenceStoreContract {
    protected final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    protected LicenceStore store;

    /** The PaidLicenses and Jobs tables under test, fresh and empty. */
    protected abstract LicenceStore newStore();

    @BeforeEach
    void emptyTables() {
        store = newStore();
    }

    private Job deactivation(String licenceId, String occurrenceId, Instant paidUntil) {
        return new Job(PaidLicenses.jobIdFor(licenceId), PaidLicenses.JOB_TYPE, "{\"licenceId\":\"" + licenceId + "\"}", paidUntil,
                paidUntil.toString(), occurrenceId, 1, Optional.empty(), List.of(), now, "contract");
    }

    private Stamp stamp(Intent intent, long millisAgo, OptionalLong version) {
        return new Stamp(intent, now.minusMillis(millisAgo), false, version);
    }

    /** Licence {@code licenceId} cancelled half a second ago, paid for another hour, with its deactivation job. */
    private Job cancelledWithItsJob(String licenceId) {
        Instant paidUntil = now.plusSeconds(3600);
        Job job = deactivation(licenceId, "o1", paidUntil);
        assertThat(store.write(licenceId, stamp(Intent.CANCEL, 500, OptionalLong.empty()), Optional.of(paidUntil), Last.NONE,
                Optional.empty(), new JobChange.Put(job))).isTrue();
        return job;
    }

    @Test
    void aLicenceNoEventTouchedHasNoLastEventAndNoJob() {
        assertThat(store.last("L-none")).isEqualTo(Last.NONE);
        assertThat(store.job(PaidLicenses.jobIdFor("L-none"))).isEmpty();
    }

    @Test
    void aCancellationIsRecordedTogetherWithItsDeactivationJob() {
        Instant paidUntil = now.plusSeconds(3600);
        Job job = deactivation("L1", "o1", paidUntil);
        Stamp cancel = stamp(Intent.CANCEL, 250, OptionalLong.of(7));

        assertThat(store.write("L1", cancel, Optional.of(paidUntil), Last.NONE, Optional.empty(), new JobChange.Put(job))).isTrue();

        assertThat(store.last("L1")).isEqualTo(new Last(Optional.of(PaidLicenses.Status.CANCELLED), OptionalLong.of(cancel.orderMillis()),
                OptionalLong.of(7)));
        assertThat(store.job(job.jobId())).contains(job);
        assertThat(store.last("L2")).as("another licence").isEqualTo(Last.NONE);
    }

    @Test
    void aReactivationIsRecordedAndDeletesTheJob() {
        Job job = cancelledWithItsJob("L1");
        Last cancelled = store.last("L1");
        Stamp reactivate = stamp(Intent.REACTIVATE, 100, OptionalLong.empty());

        assertThat(store.write("L1", reactivate, Optional.empty(), cancelled, Optional.of(job), new JobChange.Delete())).isTrue();

        assertThat(store.last("L1")).isEqualTo(new Last(Optional.of(PaidLicenses.Status.ACTIVE), OptionalLong.of(reactivate.orderMillis()),
                OptionalLong.empty()));
        assertThat(store.job(job.jobId())).isEmpty();
    }

    @Test
    void aWriteFromAStaleReadOfTheLicenceWritesNothing() {
        Job job = cancelledWithItsJob("L1");
        Last cancelled = store.last("L1");

        boolean written = store.write("L1", stamp(Intent.REACTIVATE, 100, OptionalLong.empty()), Optional.empty(), Last.NONE,
                Optional.of(job), new JobChange.Delete());

        assertThat(written).as("the licence was read before the cancellation").isFalse();
        assertThat(store.last("L1")).isEqualTo(cancelled);
        assertThat(store.job(job.jobId())).contains(job);
    }

    @Test
    void aWriteFromAStaleReadOfTheJobWritesNothing() {
        Job job = cancelledWithItsJob("L1");
        Instant paidUntil = job.dueAt();
        Last cancelled = store.last("L1");

        boolean noJobSeen = store.write("L1", stamp(Intent.REACTIVATE, 100, OptionalLong.empty()), Optional.empty(), cancelled,
                Optional.empty(), new JobChange.Delete());
        boolean otherJobSeen = store.write("L1", stamp(Intent.REACTIVATE, 100, OptionalLong.empty()), Optional.empty(), cancelled,
                Optional.of(deactivation("L1", "o-other", paidUntil)), new JobChange.Delete());

        assertThat(noJobSeen).as("read before the job was written").isFalse();
        assertThat(otherJobSeen).as("read another occurrence").isFalse();
        assertThat(store.last("L1")).isEqualTo(cancelled);
        assertThat(store.job(job.jobId())).contains(job);
    }

    @Test
    void aKeptJobIsLeftAsItIsWhileTheLicenceIsRecorded() {
        Job job = cancelledWithItsJob("L1");
        Instant paidUntil = job.dueAt();
        Stamp again = stamp(Intent.CANCEL, 100, OptionalLong.empty());

        assertThat(store.write("L1", again, Optional.of(paidUntil), store.last("L1"), Optional.of(job), new JobChange.Keep())).isTrue();

        assertThat(store.last("L1").orderMillis()).hasValue(again.orderMillis());
        assertThat(store.job(job.jobId())).contains(job);
    }

    @Test
    void aPutReplacesTheJobItSaw() {
        Job job = cancelledWithItsJob("L1");
        Instant paidUntil = job.dueAt();
        Instant extended = paidUntil.plusSeconds(86_400);
        Job moved = deactivation("L1", "o2", extended);

        assertThat(store.write("L1", stamp(Intent.CANCEL, 100, OptionalLong.empty()), Optional.of(extended), store.last("L1"),
                Optional.of(job), new JobChange.Put(moved))).isTrue();

        assertThat(store.job(job.jobId())).contains(moved);
    }
}
