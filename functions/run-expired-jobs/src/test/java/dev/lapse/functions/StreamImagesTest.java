package dev.lapse.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

/**
 * Which REMOVE records count as TTL deletions: with the TTL identity required (AWS) only those
 * carrying it; without (LocalStack, TtlDeletionFilter=any-remove) any delete made once the item's
 * ttl had passed, never one made before it (a cancel or an operator's delete). Inputs are events/.
 */
class StreamImagesTest {
    private static final Path EVENTS = Path.of("../../events");

    private static DynamodbEvent.DynamodbStreamRecord record(String sample) {
        return EventLoader.loadDynamoDbEvent(EVENTS.resolve(sample).toString()).getRecords().get(0);
    }

    private static long ttlOf(DynamodbEvent.DynamodbStreamRecord record) {
        return Long.parseLong(record.getDynamodb().getOldImage().get("ttl").getN());
    }

    @Test
    void withTheIdentityRequiredOnlyTtlDeletionsCount() {

        assertThat(StreamImages.isTtlDeletion(record("ttl-remove-record.json"), true)).isTrue();
        assertThat(StreamImages.isTtlDeletion(record("user-delete-record.json"), true)).as("a delete without the TTL identity").isFalse();
    }

    @Test
    void withoutTheIdentityADeleteBeforeTheTtlIsNotATtlDeletion() {
        var cancel = record("user-delete-record.json");
        cancel.getDynamodb().setApproximateCreationDateTime(Date.from(Instant.ofEpochSecond(ttlOf(cancel) - 1)));

        assertThat(StreamImages.isTtlDeletion(cancel, false)).as("deleted one second before its ttl").isFalse();
    }

    @Test
    void withoutTheIdentityADeleteOnceTheTtlHasPassedCountsAsTtl() {
        var expired = record("user-delete-record.json");
        assertThat(expired.getDynamodb().getApproximateCreationDateTime().toInstant().getEpochSecond())
                .as("the sample is deleted after its ttl").isGreaterThanOrEqualTo(ttlOf(expired));
        var atTheSecond = record("user-delete-record.json");
        atTheSecond.getDynamodb().setApproximateCreationDateTime(Date.from(Instant.ofEpochSecond(ttlOf(atTheSecond))));

        assertThat(StreamImages.isTtlDeletion(expired, false)).isTrue();
        assertThat(StreamImages.isTtlDeletion(atTheSecond, false)).as("deleted in the second of its ttl").isTrue();
        assertThat(StreamImages.isTtlDeletion(record("ttl-remove-record.json"), false)).as("a deletion with the TTL identity").isTrue();
    }

    @Test
    void withoutTheIdentityADeleteWithoutItsTimeIsNotATtlDeletion() {
        var undated = record("user-delete-record.json");
        undated.getDynamodb().setApproximateCreationDateTime(null);

        assertThat(StreamImages.isTtlDeletion(undated, false)).as("it cannot show it was deleted on or after its ttl").isFalse();
        assertThat(StreamImages.isTtlDeletion(record("ttl-remove-record.json"), true)).isTrue();
    }

    @Test
    void withoutTheIdentityAnItemWithoutANumericTtlIsNeverATtlDeletion() {
        var noTtl = record("user-delete-record.json");
        noTtl.getDynamodb().getOldImage().remove("ttl");
        var insert = record("user-delete-record.json");
        insert.setEventName("INSERT");

        assertThat(StreamImages.isTtlDeletion(noTtl, false)).isFalse();
        assertThat(StreamImages.isTtlDeletion(insert, false)).isFalse();
    }
}
