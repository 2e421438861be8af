package dev.lapse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.inspect.PendingListing;
import dev.lapse.job.Job;
import dev.lapse.job.Recurrence;
import dev.lapse.job.RetryPolicy;
import dev.lapse.job.Series;
import dev.lapse.sweep.DueBuckets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A job's Jobs-table item: every field back as it was, the index keys only where they belong, corrupt items named. */
class JobItemsTest {
    static final Instant DUE = Instant.parse("2026-06-01T10:00:00.123Z");
    static final Recurrence EVERY_MINUTE = new Recurrence(Optional.of(Duration.ofMinutes(1)), Optional.empty(), ZoneId.of("Europe/Warsaw"),
            Optional.empty(), Optional.empty(), Recurrence.CatchUp.LATEST, DUE.minusSeconds(3600));

    static Job full() {
        return new Job("j-1", "invoice.remind", "{\"money\":12345678901234567.89,\"s\":\"\\u00e9\"}", DUE, "PT90S", "occ-1", 3,
                Optional.of(RetryPolicy.of(7, 2, 60)),
                List.of(new Job.AttemptError(1, DUE.minusSeconds(20), "boom"), new Job.AttemptError(2, DUE.minusSeconds(10), "again")),
                DUE.minusSeconds(600), "com.example.billing");
    }

    static Job series(Series.State state) {
        return new Job("r-1", "provider.poll", "{}", DUE, "recurrence", "occ-r", 1, Optional.empty(), List.of(), DUE.minusSeconds(60), "t",
                Optional.of(new Series("r-1", EVERY_MINUTE, 4, DUE, state)));
    }

    @Test
    void everyFieldComesBackAsItWas() {
        Job job = full();
        Map<String, AttributeValue> item = JobItems.toItem(job, true);

        assertThat(JobItems.fromItem(item)).isEqualTo(job);
        assertThat(item.get(JobItems.DUE_EPOCH_MS).n()).isEqualTo(Long.toString(DUE.toEpochMilli()));
        assertThat(item.get(JobItems.TTL).n()).isEqualTo(Long.toString(job.ttlEpochSeconds()));
        assertThat(item.get(JobItems.DUE_MINUTE).s()).isEqualTo(DueBuckets.minute(DUE));
        assertThat(item.get(JobItems.ERRORS).s()).contains("\"attempt\":1").contains("boom").contains("again");
        assertThat(JobItems.parseErrors(item.get(JobItems.ERRORS).s())).isEqualTo(job.errors());
        assertThat(JobItems.fromItem(JobItems.toItem(series(Series.State.ACTIVE)))).isEqualTo(series(Series.State.ACTIVE));
    }

    @Test
    void theTtlIsTheDueTimeRoundedUpToTheSecondPlusTheGraceGiven() {
        long next = DUE.getEpochSecond() + 1; // DUE is 10:00:00.123
        assertThat(JobItems.toItem(full(), false).get(JobItems.TTL).n()).isEqualTo(Long.toString(next));
        assertThat(JobItems.toItem(full(), true, Duration.ofSeconds(2)).get(JobItems.TTL).n()).isEqualTo(Long.toString(next + 2));
        assertThat(JobItems.toItem(series(Series.State.CANCELLED), false, Duration.ofSeconds(5)).get(JobItems.TTL).n())
                .as("a cancelled series waits for its TTL too").isEqualTo(Long.toString(DUE.getEpochSecond() + 1 + 5));
        assertThat(JobItems.toItem(series(Series.State.PAUSED), false, Duration.ofSeconds(5))).doesNotContainKey(JobItems.TTL);
    }

    @Test
    void onlyAJobTheSweepMustHandOverIsInTheDueTimeIndexAndEveryPendingJobIsListed() {
        assertThat(JobItems.toItem(full(), true)).containsEntry(JobItems.DUE_BUCKET, AttributeValue.fromS(DueBuckets.of("j-1", DUE)))
                .containsKey(PendingListing.LIST_BUCKET);
        assertThat(JobItems.toItem(full(), false)).doesNotContainKey(JobItems.DUE_BUCKET).containsKey(PendingListing.LIST_BUCKET);
        assertThat(JobItems.toItem(full())).doesNotContainKey(JobItems.DUE_BUCKET);
        assertThat(JobItems.toItem(full()).get(JobItems.RETRY).s()).isNotBlank();
        assertThat(JobItems.toItem(series(Series.State.ACTIVE))).doesNotContainKey(JobItems.RETRY).containsKey(JobItems.SERIES);
    }

    @Test
    void aPausedSeriesIsNeverDueAndACancelledOneWaitsOnlyForItsTtl() {
        Map<String, AttributeValue> paused = JobItems.toItem(series(Series.State.PAUSED), true);
        assertThat(paused).doesNotContainKeys(JobItems.DUE_BUCKET, PendingListing.LIST_BUCKET, JobItems.TTL);
        Map<String, AttributeValue> cancelled = JobItems.toItem(series(Series.State.CANCELLED), true);
        assertThat(cancelled).doesNotContainKeys(JobItems.DUE_BUCKET, PendingListing.LIST_BUCKET).containsKey(JobItems.TTL);
        Map<String, AttributeValue> active = JobItems.toItem(series(Series.State.ACTIVE), true);
        assertThat(active).containsKeys(JobItems.DUE_BUCKET, PendingListing.LIST_BUCKET, JobItems.TTL);
        assertThat(JobItems.fromItem(paused).series().orElseThrow().state()).isEqualTo(Series.State.PAUSED);
    }

    @Test
    void anOldItemWithoutTheOptionalAttributesIsRead() {
        Map<String, AttributeValue> item = new HashMap<>(JobItems.toItem(full()));
        item.remove(JobItems.RETRY);
        item.remove(JobItems.ERRORS);
        item.remove(JobItems.REQUESTED_BY);

        Job job = JobItems.fromItem(item);

        assertThat(job.retryPolicy()).isEmpty();
        assertThat(job.errors()).isEmpty();
        assertThat(job.requestedBy()).isEqualTo("unknown");
        assertThat(job.series()).isEmpty();
    }

    @Test
    void aCorruptItemIsRefusedNamingTheJobAndTheAttribute() {
        Map<String, AttributeValue> good = JobItems.toItem(full());
        assertThatThrownBy(() -> JobItems.fromItem(Map.of())).isInstanceOf(CorruptJobException.class).hasMessageContaining("no old image");
        assertThatThrownBy(() -> JobItems.fromItem(null)).isInstanceOf(CorruptJobException.class);
        assertCorrupt(with(good, JobItems.ATTEMPT, null), "j-1", "attribute attempt is missing");
        assertCorrupt(with(good, JobItems.ATTEMPT, AttributeValue.fromS("3")), "j-1", "attribute attempt is not a number");
        assertCorrupt(with(good, JobItems.DUE_AT, null), "j-1", "attribute dueAt is missing");
        assertCorrupt(with(good, JobItems.DUE_AT, AttributeValue.fromN("1")), "j-1", "attribute dueAt is not a string");
        assertCorrupt(with(good, JobItems.DUE_AT, AttributeValue.fromS("tomorrow")), "j-1", "unreadable attribute");
        assertCorrupt(with(good, JobItems.PAYLOAD, AttributeValue.fromS("[1]")), "j-1", "payload is not a JSON object");
        assertCorrupt(with(good, JobItems.PAYLOAD, AttributeValue.fromS("{")), "j-1", "payload is not valid JSON");
        assertCorrupt(with(good, JobItems.JOB_ID, null), "(unknown)", "attribute jobId is missing");
        assertCorrupt(with(with(good, JobItems.JOB_ID, AttributeValue.fromN("7")), JobItems.ATTEMPT, null), "(unknown)", "attribute jobId is not a string");
    }

    static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name, AttributeValue value) {
        Map<String, AttributeValue> changed = new HashMap<>(item);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return changed;
    }

    static void assertCorrupt(Map<String, AttributeValue> item, String jobId, String problem) {
        assertThatThrownBy(() -> JobItems.fromItem(item)).isInstanceOfSatisfying(CorruptJobException.class, e -> {
            assertThat(e.jobId()).isEqualTo(jobId);
            assertThat(e.getMessage()).contains(problem);
        });
    }
}
