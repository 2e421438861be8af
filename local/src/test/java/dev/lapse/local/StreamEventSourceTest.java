package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/** A stream source's filter: the records it lets through, built whole, whichever fields its patterns name. */
class StreamEventSourceTest {
    private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/jobs/stream/x";
    private static final String STRICT = "{\"eventName\": [\"REMOVE\"], \"userIdentity\": {\"type\": [\"Service\"], "
            + "\"principalId\": [\"dynamodb.amazonaws.com\"]}}";
    private static final String BY_TYPE = "{\"dynamodb\": {\"OldImage\": {\"jobType\": {\"S\": [\"licence\"]}}}}";
    private static final String EITHER = "{\"$or\": [{\"eventName\": [\"INSERT\"]}, {\"dynamodb\": {\"OldImage\": {\"jobType\": {\"S\": [\"licence\"]}}}}]}";

    private static StreamEventSource source(String... patterns) {
        return new StreamEventSource(new StreamEventSource.Config("test", null, ARN, 10, false, 0, Optional.empty(),
                List.of(patterns), true, 1), null, null, "us-east-1");
    }

    private static Record record(OperationType name, boolean ttl, String jobType) {
        Map<String, AttributeValue> image = Map.of("jobId", AttributeValue.fromS("j1"), "jobType", AttributeValue.fromS(jobType),
                "ttl", AttributeValue.fromN("1795457520"));
        StreamRecord.Builder data = StreamRecord.builder().keys(Map.of("jobId", AttributeValue.fromS("j1"))).sequenceNumber("100")
                .sizeBytes(42L).streamViewType("NEW_AND_OLD_IMAGES");
        if (name == OperationType.INSERT) {
            data.newImage(image);
        } else {
            data.oldImage(image);
        }
        Record.Builder out = Record.builder().eventID("e1").eventName(name).eventVersion("1.1").dynamodb(data.build());
        if (ttl) {
            out.userIdentity(Identity.builder().type("Service").principalId("dynamodb.amazonaws.com").build());
        }
        return out.build();
    }

    @Test
    void theTemplatesFilterLetsTtlDeletionsThroughWholeAndNothingElse() {
        StreamEventSource source = source(STRICT);
        Optional<ObjectNode> passed = source.matching(record(OperationType.REMOVE, true, "bench"));
        assertThat(passed).isPresent();
        assertThat(passed.get()).isEqualTo(StreamRecords.toLambdaShape(record(OperationType.REMOVE, true, "bench"), ARN, "us-east-1"));
        assertThat(passed.get().path("dynamodb").path("OldImage").path("jobType").path("S").asText()).isEqualTo("bench");
        assertThat(source.matching(record(OperationType.REMOVE, false, "bench"))).as("a user's delete").isEmpty();
        assertThat(source.matching(record(OperationType.INSERT, false, "bench"))).as("an insert").isEmpty();
    }

    @Test
    void aPatternOnTheImagesIsMatchedOnTheWholeRecord() {
        StreamEventSource source = source(BY_TYPE);
        assertThat(source.matching(record(OperationType.REMOVE, false, "licence"))).isPresent();
        assertThat(source.matching(record(OperationType.REMOVE, false, "bench"))).isEmpty();
        StreamEventSource either = source(EITHER);
        assertThat(either.matching(record(OperationType.REMOVE, true, "licence"))).isPresent();
        assertThat(either.matching(record(OperationType.INSERT, false, "bench"))).isPresent();
        assertThat(either.matching(record(OperationType.REMOVE, true, "bench"))).isEmpty();
    }

    @Test
    void withoutPatternsEveryRecordPassesWhole() {
        Optional<ObjectNode> passed = source().matching(record(OperationType.INSERT, false, "bench"));
        assertThat(passed).isPresent();
        assertThat(passed.get().path("dynamodb").path("NewImage").path("jobId").path("S").asText()).isEqualTo("j1");
    }

    @Test
    void theFieldsAreThoseThePatternsNameAtTheirTopLevelAndNoneAreKnownForAnOr() {
        assertThat(StreamEventSource.filterFields(List.of(STRICT))).contains(Set.of("eventName", "userIdentity"));
        assertThat(StreamEventSource.filterFields(List.of(STRICT, BY_TYPE))).contains(Set.of("eventName", "userIdentity", "dynamodb"));
        assertThat(StreamEventSource.filterFields(List.of())).contains(Set.of());
        assertThat(StreamEventSource.filterFields(List.of(STRICT, EITHER))).isEmpty();
    }

    @Test
    void theShapeWithoutDynamodbIsTheWholeShapeLessThatField() {
        Record r = record(OperationType.REMOVE, true, "bench");
        ObjectNode whole = StreamRecords.toLambdaShape(r, ARN, "us-east-1");
        ObjectNode without = StreamRecords.toLambdaShape(r, ARN, "us-east-1", false);
        assertThat(without.has("dynamodb")).isFalse();
        whole.remove("dynamodb");
        assertThat(without).isEqualTo(whole);
    }
}
