package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What scheduling relies on of the Jobs table ({@link ScheduledJobs}), written once and run against the in-memory fake
 * ({@code InMemoryStoresContractTest}) and the DynamoDB adapter on DynamoDB Local ({@code DynamoAdaptersContractTest}).
 */
public abstract class ScheduledJobsContract {
    private static final Predicate<Job> PENDING = job -> false;
    private static final Predicate<Job> RAN = job -> true;
    protected final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    protected ScheduledJobs jobs;

    /** The Jobs table under test, fresh and empty. */
    protected abstract ScheduledJobs newJobs();

    @BeforeEach
    void emptyTable() {
        jobs = newJobs();
    }

    private Job job(String jobId, String occurrenceId, String payload, Instant due) {
        return new Job(jobId, "invoice.remind", payload, due, due.toString(), occurrenceId, 1, Optional.empty(), List.of(),
                now, "contract");
    }

    @Test
    void aNewJobIsStoredAndWritten() {
        Job job = job("j1", "o1", "{\"money\":12345678901234567.89}", now.plusSeconds(60));

        ScheduledJobs.Created created = jobs.create(job, PENDING);

        assertThat(created.written()).isTrue();
        assertThat(created.job()).isEqualTo(job);
        assertThat(jobs.get("j1")).contains(job);
        assertThat(jobs.get("j2")).isEmpty();
    }

    @Test
    void theSameJobAgainIsAnsweredWithTheStoredOneUnwritten() {
        Job first = job("j1", "o1", "{\"a\":1}", now.plusSeconds(60));
        jobs.create(first, PENDING);

        ScheduledJobs.Created again = jobs.create(job("j1", "o2", "{\"a\":1}", now.plusSeconds(60)), PENDING);

        assertThat(again.written()).isFalse();
        assertThat(again.job()).as("the stored job, its own occurrence").isEqualTo(first);
        assertThat(jobs.get("j1")).contains(first);
    }

    @Test
    void anotherJobUnderAPendingIdIsAConflictNamingTheFieldAndChangesNothing() {
        Job first = job("j1", "o1", "{\"a\":1}", now.plusSeconds(60));
        jobs.create(first, PENDING);

        assertThatThrownBy(() -> jobs.create(job("j1", "o2", "{\"a\":2}", now.plusSeconds(60)), PENDING))
                .isInstanceOfSatisfying(JobConflictException.class, e -> {
                    assertThat(e.code()).isEqualTo("JOB_CONFLICT");
                    assertThat(e.jobId()).isEqualTo("j1");
                    assertThat(e.fields()).containsExactly("detail.payload");
                });
        assertThatThrownBy(() -> jobs.create(job("j1", "o3", "{\"a\":1}", now.plusSeconds(90)), PENDING))
                .isInstanceOfSatisfying(JobConflictException.class, e -> assertThat(e.fields()).containsExactly("detail.dueAt"));
        assertThat(jobs.get("j1")).contains(first);
    }

    @Test
    void aStoredJobThatRanForGoodIsReplacedByANewOne() {
        jobs.create(job("j1", "o1", "{\"a\":1}", now.minusSeconds(5)), PENDING);
        Job next = job("j1", "o2", "{\"a\":2}", now.plusSeconds(60));

        ScheduledJobs.Created created = jobs.create(next, RAN);

        assertThat(created.written()).isTrue();
        assertThat(jobs.get("j1")).contains(next);
    }

    @Test
    void aCancelDeletesThePendingJobAndAnswersIt() {
        Job job = job("j1", "o1", "{}", now.plusSeconds(60));
        jobs.create(job, PENDING);

        assertThat(jobs.cancel("j1")).contains(job);
        assertThat(jobs.get("j1")).isEmpty();
        assertThat(jobs.cancel("j1")).as("nothing left to cancel").isEmpty();
        assertThat(jobs.cancel("never")).isEmpty();
    }

    @Test
    void aRescheduleMovesThePendingJobAsANewOccurrence() {
        Job job = job("j1", "o1", "{\"a\":1}", now.plusSeconds(60));
        jobs.create(job, PENDING);
        Instant later = now.plusSeconds(600);

        Job moved = jobs.reschedule("j1", later, later.toString(), o -> o + "-next", PENDING, now.plusSeconds(5));

        assertThat(moved.dueAt()).isEqualTo(later);
        assertThat(moved.occurrenceId()).isEqualTo("o1-next");
        assertThat(moved.scheduledAt()).as("scheduled by the reschedule").isEqualTo(now.plusSeconds(5));
        assertThat(moved.payload()).isEqualTo(job.payload());
        assertThat(jobs.get("j1")).contains(moved);
    }

    @Test
    void aRescheduleOfNoPendingJobIsRefusedAndChangesNothing() {
        assertThatThrownBy(() -> jobs.reschedule("none", now, now.toString(), o -> o + "-next", PENDING, now))
                .isInstanceOfSatisfying(JobConflictException.class, e -> assertThat(e.code()).isEqualTo("JOB_NOT_PENDING"));
        Job ran = job("j1", "o1", "{}", now.minusSeconds(5));
        jobs.create(ran, PENDING);

        assertThatThrownBy(() -> jobs.reschedule("j1", now.plusSeconds(60), "x", o -> o + "-next", RAN, now))
                .as("a copy left behind by a run that ended")
                .isInstanceOfSatisfying(JobConflictException.class, e -> assertThat(e.code()).isEqualTo("JOB_NOT_PENDING"));
        assertThat(jobs.get("j1")).contains(ran);
    }

    @Test
    void aReplaceWritesOnlyOverTheOccurrenceAndAttemptItSaw() {
        Job seen = job("j1", "o1", "{}", now.plusSeconds(60));
        jobs.create(seen, PENDING);
        Job next = job("j1", "o2", "{}", now.plusSeconds(120));

        assertThat(jobs.replace(job("j1", "other", "{}", now.plusSeconds(60)), next)).as("another occurrence").isFalse();
        assertThat(jobs.replace(seen.withAttempt(2, now.plusSeconds(60), List.of()), next)).as("another attempt").isFalse();
        assertThat(jobs.replace(job("j2", "o1", "{}", now.plusSeconds(60)), job("j2", "o2", "{}", now.plusSeconds(120))))
                .as("no such job").isFalse();
        assertThat(jobs.get("j1")).contains(seen);
        assertThat(jobs.get("j2")).as("not created by a replace").isEmpty();

        assertThat(jobs.replace(seen, next)).isTrue();
        assertThat(jobs.get("j1")).contains(next);
    }
}
