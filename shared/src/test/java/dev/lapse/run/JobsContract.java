package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.job.Recurrence;
import dev.lapse.job.Series;
import dev.lapse.store.ExecutionLedger.Claim;
import dev.lapse.store.ExecutionLedger.State;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the runner relies on of the Jobs table ({@link Jobs}) and its claims, written once and run against the in-memory
 * fake ({@code InMemoryContractsTest}) and the DynamoDB adapter on DynamoDB Local ({@code DynamoAdaptersContractTest}).
 */
public abstract class JobsContract {
    protected final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    protected Jobs jobs;
    protected Claims claims;

    /** The table and ledger under test, fresh and empty, on {@link #clock}, with the lease of {@link ClaimsContract#LEASE}. */
    protected abstract void newTable();

    /** The jobs offered to the due-jobs queue so far, in order. */
    protected abstract List<Job> offered();

    @BeforeEach
    void emptyTable() {
        newTable();
    }

    Job job(String jobId, String occurrenceId, int attempt, Instant due) {
        return new Job(jobId, "report.daily", "{\"big\":1e400}", due, due.toString(), occurrenceId, attempt, Optional.empty(), List.of(),
                clock.instant().minusSeconds(60), "contract");
    }

    @Test
    void aJobPutBackIsStoredAndOfferedToTheQueue() {
        Job job = job("j1", "o1", 2, clock.instant().plusSeconds(5));

        assertThat(jobs.rearm(job)).isTrue();

        assertThat(jobs.get("j1")).contains(job);
        assertThat(offered()).containsExactly(job);
        assertThat(jobs.get("j2")).isEmpty();
    }

    @Test
    void aPutBackKeepsANewerJobUnderItsId() {
        Job stored = job("j1", "o1", 2, clock.instant().plusSeconds(5));
        jobs.rearm(stored);

        assertThat(jobs.rearm(job("j1", "o1", 2, clock.instant().plusSeconds(9)))).as("the same attempt").isFalse();
        assertThat(jobs.rearm(job("j1", "o1", 1, clock.instant().plusSeconds(9)))).as("an earlier attempt").isFalse();
        assertThat(jobs.rearm(job("j1", "other", 3, clock.instant().plusSeconds(9)))).as("another occurrence: rescheduled meanwhile").isFalse();
        assertThat(jobs.get("j1")).contains(stored);
        Job later = job("j1", "o1", 3, clock.instant().plusSeconds(20));
        assertThat(jobs.rearm(later)).as("a later attempt of the same occurrence").isTrue();
        assertThat(jobs.get("j1")).contains(later);
        assertThat(offered()).containsExactly(stored, later);
    }

    @Test
    void takeAndClaimTakesADueJobOutAndClaimsItInOneStep() {
        Job job = job("j1", "o1", 1, clock.instant());
        jobs.rearm(job);

        Jobs.Taken taken = jobs.takeAndClaim("j1", "o1", clock.instant());

        assertThat(taken.job()).contains(job);
        assertThat(taken.claim().claim()).isEqualTo(Claim.CLAIMED);
        assertThat(taken.next()).isEmpty();
        assertThat(jobs.get("j1")).as("out of the table").isEmpty();
        assertThat(claims.state("o1")).as("and in the ledger").isEqualTo(State.IN_FLIGHT);
        assertThat(jobs.takeAndClaim("j1", "o1", clock.instant()).job()).as("a second delivery finds nothing").isEmpty();
    }

    @Test
    void takeAndClaimLeavesAJobNotDueByThenOrOfAnotherOccurrence() {
        Job job = job("j1", "o1", 1, clock.instant().plusMillis(1));
        jobs.rearm(job);

        assertThat(jobs.takeAndClaim("j1", "o1", clock.instant()).job()).as("due a millisecond later").isEmpty();
        assertThat(jobs.takeAndClaim("j1", "o-old", clock.instant().plusSeconds(1)).job()).as("a message of an earlier occurrence").isEmpty();
        assertThat(jobs.takeAndClaim("nobody", "o1", clock.instant().plusSeconds(1)).job()).isEmpty();
        assertThat(jobs.get("j1")).contains(job);
        assertThat(claims.state("o1")).as("nothing claimed").isNull();
    }

    @Test
    void takeAndClaimOfAnAttemptInFlightElsewhereLeavesTheJobWhereItIs() {
        Job job = job("j1", "o1", 1, clock.instant());
        jobs.rearm(job);
        long leaseUntil = claims.claim(job).leaseUntilMillis();

        Jobs.Taken taken = jobs.takeAndClaim("j1", "o1", clock.instant());

        assertThat(taken.job()).contains(job);
        assertThat(taken.claim().claim()).isEqualTo(Claim.IN_FLIGHT_ELSEWHERE);
        assertThat(taken.claim().leaseUntilMillis()).isEqualTo(leaseUntil);
        assertThat(jobs.get("j1")).contains(job);
    }

    @Test
    void getAllAnswersTheStoredJobsOfTheIdsAndLeavesOutTheMissing() {
        Job a = job("a", "oa", 1, clock.instant());
        Job b = job("b", "ob", 3, clock.instant().plusSeconds(3));
        jobs.rearm(a);
        jobs.rearm(b);
        List<String> many = new java.util.ArrayList<>(List.of("a", "missing", "b", "a"));
        for (int i = 0; i < 120; i++) {
            many.add("none-" + i); // more than one BatchGetItem call takes
        }

        assertThat(jobs.getAll(many)).isEqualTo(java.util.Map.of("a", a, "b", b));
        assertThat(jobs.getAll(List.of())).isEmpty();
    }

    @Test
    void takeAndClaimOfAJobAsReadTakesItOnlyIfItIsStillThatOccurrenceAtThatAttempt() {
        Job read = job("j1", "o1", 1, clock.instant());
        jobs.rearm(read);
        Job retried = job("j1", "o1", 2, clock.instant());
        jobs.rearm(retried); // put back for another attempt after it was read

        assertThat(jobs.takeAndClaim(read, clock.instant()).job()).as("a stale read").isEmpty();
        assertThat(jobs.get("j1")).contains(retried);
        assertThat(claims.state("o1")).isNull();

        Jobs.Taken taken = jobs.takeAndClaim(retried, clock.instant());
        assertThat(taken.job()).contains(retried);
        assertThat(taken.claim().claim()).isEqualTo(Claim.CLAIMED);
        assertThat(jobs.get("j1")).isEmpty();
        assertThat(jobs.takeAndClaim(retried, clock.instant()).job()).as("taken already").isEmpty();
    }

    @Test
    void armNextArmsOnlyWhereNothingIs() {
        Job next = job("r1", "o2", 1, clock.instant().plusSeconds(30));
        Job there = job("r2", "o9", 1, clock.instant().plusSeconds(30));
        jobs.rearm(there);

        assertThat(jobs.armNext(next)).isTrue();
        assertThat(jobs.armNext(job("r1", "o3", 1, clock.instant().plusSeconds(60)))).as("armed by another delivery").isFalse();
        assertThat(jobs.armNext(job("r2", "o2", 1, clock.instant().plusSeconds(30)))).as("a job under the id is kept").isFalse();

        assertThat(jobs.get("r1")).contains(next);
        assertThat(jobs.get("r2")).contains(there);
        assertThat(offered()).containsExactly(there, next);
    }

    @Test
    void takingARecurringJobLeavesItsNextOccurrenceInItsPlace() {
        Instant first = clock.instant();
        Recurrence every = new Recurrence(Optional.of(Duration.ofSeconds(30)), Optional.empty(), ZoneId.of("UTC"), Optional.empty(),
                Optional.empty(), Recurrence.CatchUp.NONE, first);
        Job series = new Job("r1", "provider.poll", "{}", first, "recurrence", Occurrences.ofSeries("r1", first), 1, Optional.empty(),
                List.of(), first.minusSeconds(30), "contract", Optional.of(new Series("r1", every, 1, first, Series.State.ACTIVE)));
        jobs.rearm(series);

        Jobs.Taken taken = jobs.takeAndClaim("r1", series.occurrenceId(), clock.instant());

        assertThat(taken.claim().claim()).isEqualTo(Claim.CLAIMED);
        Job next = taken.next().orElseThrow();
        assertThat(next.dueAt()).isEqualTo(first.plusSeconds(30));
        assertThat(next.series().orElseThrow().sequence()).isEqualTo(2);
        assertThat(next.occurrenceId()).isEqualTo(Occurrences.ofSeries("r1", first.plusSeconds(30)));
        assertThat(jobs.get("r1")).contains(next);
        assertThat(offered()).containsExactly(series, next);
    }
}
