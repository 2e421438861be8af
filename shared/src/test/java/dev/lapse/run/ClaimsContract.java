package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger.Claim;
import dev.lapse.store.ExecutionLedger.ClaimResult;
import dev.lapse.store.ExecutionLedger.State;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the runner relies on of the execution ledger ({@link Claims}), written once and run against each implementation:
 * the in-memory fake the unit tests use ({@code InMemoryContractsTest}) and the DynamoDB adapter on DynamoDB Local
 * ({@code local/.../DynamoAdaptersContractTest}), so the fake cannot drift from the adapter it stands in for.
 */
public abstract class ClaimsContract {
    public static final Duration LEASE = Duration.ofSeconds(30);
    /** Real time, to the millisecond: a store with TTL must not see the records as long expired. */
    protected final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    protected Claims claims;

    /** A fresh, empty ledger on {@link #clock} with a lease of {@link #LEASE}. */
    protected abstract Claims newClaims();

    @BeforeEach
    void emptyLedger() {
        claims = newClaims();
    }

    protected static Job job(String occurrenceId, int attempt) {
        Instant due = Instant.parse("2026-06-01T10:00:00Z");
        return new Job("job-" + occurrenceId, "report.daily", "{\"n\":12345678901234567.89}", due, due.toString(), occurrenceId, attempt,
                Optional.empty(), List.of(), due.minusSeconds(60), "contract");
    }

    @Test
    void aFirstClaimIsGrantedForTheLeaseAndIsInFlight() {
        assertThat(claims.state("o1")).as("never claimed").isNull();

        ClaimResult result = claims.claim(job("o1", 1));

        assertThat(result).isEqualTo(new ClaimResult(Claim.CLAIMED, clock.millis() + LEASE.toMillis()));
        assertThat(claims.state("o1")).isEqualTo(State.IN_FLIGHT);
        assertThat(claims.recoverable("o1")).as("in flight: nothing to recover").isEmpty();
    }

    @Test
    void aSecondClaimWhileTheLeaseRunsIsRefusedAsInFlightElsewhereWithItsLease() {
        long leaseUntil = claims.claim(job("o1", 1)).leaseUntilMillis();
        clock.tick(LEASE.minusMillis(1));

        assertThat(claims.claim(job("o1", 1))).isEqualTo(new ClaimResult(Claim.IN_FLIGHT_ELSEWHERE, leaseUntil));
        assertThat(claims.claim(job("o1", 2))).as("a later attempt waits for the lease too").isEqualTo(new ClaimResult(Claim.IN_FLIGHT_ELSEWHERE, leaseUntil));
        assertThat(claims.claim(job("o2", 1)).claim()).as("another occurrence is its own record").isEqualTo(Claim.CLAIMED);
    }

    @Test
    void aClaimWhoseLeaseRanOutIsRecoverableAndCanBeTakenOver() {
        Job job = job("o1", 1);
        claims.claim(job);
        clock.tick(LEASE);
        assertThat(claims.recoverable("o1")).as("the lease ends this millisecond").isEmpty();
        assertThat(claims.claim(job).claim()).isEqualTo(Claim.IN_FLIGHT_ELSEWHERE);

        clock.tick(Duration.ofMillis(1));
        assertThat(claims.recoverable("o1")).as("the copy kept in the claim, as it was").contains(job);
        assertThat(claims.claim(job)).isEqualTo(new ClaimResult(Claim.CLAIMED, clock.millis() + LEASE.toMillis()));
    }

    @Test
    void aFinishedOccurrenceIsAlreadyHandledForEveryAttempt() {
        claims.claim(job("o1", 1));

        assertThat(claims.finishPatiently("o1", 1, State.DONE, "ran")).isTrue();

        assertThat(claims.state("o1")).isEqualTo(State.DONE);
        assertThat(claims.claim(job("o1", 1))).isEqualTo(new ClaimResult(Claim.ALREADY_HANDLED, 0));
        assertThat(claims.claim(job("o1", 2)).claim()).isEqualTo(Claim.ALREADY_HANDLED);
        assertThat(claims.finishPatiently("o1", 1, State.DONE, "again")).as("no longer in flight").isFalse();
        clock.tick(LEASE.plusSeconds(1));
        assertThat(claims.recoverable("o1")).as("a finished occurrence is never run again").isEmpty();
    }

    @Test
    void onlyTheAttemptInFlightCanFinishIt() {
        claims.claim(job("o1", 2));

        assertThat(claims.finishPatiently("o1", 1, State.DONE, "stale attempt")).isFalse();
        assertThat(claims.finishPatiently("o1", 3, State.DONE, "future attempt")).isFalse();
        assertThat(claims.finishPatiently("o2", 1, State.DONE, "never claimed")).isFalse();
        assertThat(claims.state("o1")).isEqualTo(State.IN_FLIGHT);
        assertThat(claims.state("o2")).isNull();
    }

    @Test
    void aRetriedAttemptGivesWayToALaterAttemptOnly() {
        claims.claim(job("o1", 1));
        assertThat(claims.finishPatiently("o1", 1, State.RETRIED, "failed, retried")).isTrue();

        assertThat(claims.claim(job("o1", 1)).claim()).as("the same attempt again").isEqualTo(Claim.ALREADY_HANDLED);
        assertThat(claims.claim(job("o1", 2)).claim()).isEqualTo(Claim.CLAIMED);
        assertThat(claims.state("o1")).isEqualTo(State.IN_FLIGHT);
    }

    @Test
    void aReleasedClaimCanBeClaimedAgainAtOnceAndKeepsItsCopyUntilForgotten() {
        Job job = job("o1", 1);
        claims.claim(job);

        claims.release("o1", 1);

        assertThat(claims.state("o1")).isEqualTo(State.RELEASED);
        assertThat(claims.recoverable("o1")).contains(job);
        claims.forgetCopy("o1");
        assertThat(claims.recoverable("o1")).as("back in the table: only the table's job can run").isEmpty();
        assertThat(claims.claim(job("o1", 0)).claim()).as("an earlier attempt").isEqualTo(Claim.ALREADY_HANDLED);
        assertThat(claims.claim(job)).isEqualTo(new ClaimResult(Claim.CLAIMED, clock.millis() + LEASE.toMillis()));
    }

    @Test
    void forgetCopyLeavesAClaimInFlightAlone() {
        Job job = job("o1", 1);
        claims.claim(job);
        claims.forgetCopy("o1");
        clock.tick(LEASE.plusMillis(1));

        assertThat(claims.recoverable("o1")).as("the runner died: its copy is still there to recover").contains(job);
    }
}
