package dev.lapse.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the sweep relies on of the due-time index ({@link PendingJobs}), written once and run against the in-memory fake
 * ({@code InMemoryIndexContractTest}) and the DynamoDB adapter on DynamoDB Local ({@code DynamoAdaptersContractTest}).
 */
public abstract class PendingJobsContract {
    /** The start of a minute an hour from now: every job of these tests is due within it. */
    protected final Instant minute = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
    protected PendingJobs index;

    /** The index under test, fresh and empty. */
    protected abstract PendingJobs newIndex();

    /** Stores a job due beyond the horizon, as scheduling does (it goes into the index), replacing any under its id. */
    protected abstract void schedule(String jobId, String occurrenceId, Instant due);

    @BeforeEach
    void emptyIndex() {
        index = newIndex();
    }

    /** {@code count} job ids that fall in the same shard as {@code like}. */
    static List<String> sameShard(String like, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < count; i++) {
            if (DueBuckets.shard("job-" + i) == DueBuckets.shard(like)) {
                ids.add("job-" + i);
            }
        }
        return ids;
    }

    @Test
    void aBucketAnswersItsJobsDueByTheTimeAskedAndNoOthers() {
        List<String> ids = sameShard("job-0", 3);
        schedule(ids.get(0), "o0", minute.plusSeconds(10));
        schedule(ids.get(1), "o1", minute.plusSeconds(20));
        schedule(ids.get(2), "o2", minute.plusSeconds(30));
        String otherShard = "job-x";
        while (DueBuckets.shard(otherShard) == DueBuckets.shard("job-0")) {
            otherShard = otherShard + "x";
        }
        schedule(otherShard, "ox", minute.plusSeconds(10));
        schedule("next-minute", "on", minute.plusSeconds(70));
        String bucket = DueBuckets.of(ids.get(0), minute);

        List<PendingJobs.Pending> due = index.dueBy(bucket, minute.plusSeconds(20));

        assertThat(due).containsExactlyInAnyOrder(new PendingJobs.Pending(ids.get(0), "o0", minute.plusSeconds(10)),
                new PendingJobs.Pending(ids.get(1), "o1", minute.plusSeconds(20)));
        assertThat(index.dueBy(bucket, minute.plusSeconds(9))).as("none due yet").isEmpty();
        assertThat(index.dueBy(DueBuckets.of(otherShard, minute), minute.plusSeconds(59)))
                .containsExactly(new PendingJobs.Pending(otherShard, "ox", minute.plusSeconds(10)));
    }

    @Test
    void aJobMarkedHandedLeavesTheIndexOnce() {
        schedule("j1", "o1", minute.plusSeconds(5));
        PendingJobs.Pending job = new PendingJobs.Pending("j1", "o1", minute.plusSeconds(5));
        String bucket = DueBuckets.of("j1", minute);

        assertThat(index.markHanded(job, minute.minusSeconds(60))).isTrue();
        assertThat(index.dueBy(bucket, minute.plusSeconds(59))).isEmpty();
        assertThat(index.markHanded(job, minute.minusSeconds(30))).as("already handed").isFalse();
    }

    @Test
    void aJobRescheduledSinceTheQueryIsNotMarkedAndStaysInTheIndex() {
        schedule("j1", "o1", minute.plusSeconds(5));
        PendingJobs.Pending read = index.dueBy(DueBuckets.of("j1", minute), minute.plusSeconds(59)).get(0);
        schedule("j1", "o2", minute.plusSeconds(40));

        assertThat(index.markHanded(read, minute.minusSeconds(60))).isFalse();
        assertThat(index.dueBy(DueBuckets.of("j1", minute), minute.plusSeconds(59)))
                .containsExactly(new PendingJobs.Pending("j1", "o2", minute.plusSeconds(40)));
        assertThat(index.markHanded(new PendingJobs.Pending("never", "o1", minute), minute)).as("no such job").isFalse();
    }
}
