package dev.lapse.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which REMOVE records count as TTL deletions: with the TTL identity required (AWS) only those
 * carrying it; without (LocalStack, TtlDeletionFilter=any-remove) any delete made once the item's
 * ttl had passed, never one made before it (a cancel or an operator's delete). And how a record's image, keys and
 * sequence number are read. Inputs are events/, as Lambda delivers them.
 */
class StreamImagesTest {
    private static final Path EVENTS = Path.of("../../events");

    private static ObjectNode record(String sample) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(Files.readString(EVENTS.resolve(sample))).path("Records").get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode change(ObjectNode record) {
        return (ObjectNode) record.get("dynamodb");
    }

    private static long ttlOf(ObjectNode record) {
        return Long.parseLong(change(record).path("OldImage").path("ttl").path("N").asText());
    }

    @Test
    void withTheIdentityRequiredOnlyTtlDeletionsCount() {

        assertThat(StreamImages.isTtlDeletion(record("ttl-remove-record.json"), true)).isTrue();
        assertThat(StreamImages.isTtlDeletion(record("user-delete-record.json"), true)).as("a delete without the TTL identity").isFalse();
    }

    @Test
    void withoutTheIdentityADeleteBeforeTheTtlIsNotATtlDeletion() {
        var cancel = record("user-delete-record.json");
        change(cancel).put("ApproximateCreationDateTime", ttlOf(cancel) - 1);

        assertThat(StreamImages.isTtlDeletion(cancel, false)).as("deleted one second before its ttl").isFalse();
    }

    @Test
    void withoutTheIdentityADeleteOnceTheTtlHasPassedCountsAsTtl() {
        var expired = record("user-delete-record.json");
        assertThat(change(expired).path("ApproximateCreationDateTime").asLong()).as("the sample is deleted after its ttl")
                .isGreaterThanOrEqualTo(ttlOf(expired));
        var atTheSecond = record("user-delete-record.json");
        change(atTheSecond).put("ApproximateCreationDateTime", ttlOf(atTheSecond));
        var halfASecondBefore = record("user-delete-record.json");
        change(halfASecondBefore).put("ApproximateCreationDateTime", ttlOf(halfASecondBefore) - 0.5);

        assertThat(StreamImages.isTtlDeletion(expired, false)).isTrue();
        assertThat(StreamImages.isTtlDeletion(atTheSecond, false)).as("deleted in the second of its ttl").isTrue();
        assertThat(StreamImages.isTtlDeletion(halfASecondBefore, false)).as("deleted half a second before its ttl").isFalse();
        assertThat(StreamImages.isTtlDeletion(record("ttl-remove-record.json"), false)).as("a deletion with the TTL identity").isTrue();
    }

    @Test
    void withoutTheIdentityADeleteWithoutItsTimeIsNotATtlDeletion() {
        var undated = record("user-delete-record.json");
        change(undated).remove("ApproximateCreationDateTime");
        var nullDated = record("user-delete-record.json");
        change(nullDated).putNull("ApproximateCreationDateTime");

        assertThat(StreamImages.isTtlDeletion(undated, false)).as("it cannot show it was deleted on or after its ttl").isFalse();
        assertThat(StreamImages.isTtlDeletion(nullDated, false)).isFalse();
        assertThat(StreamImages.isTtlDeletion(record("ttl-remove-record.json"), true)).isTrue();
    }

    @Test
    void withoutTheIdentityAnItemWithoutANumericTtlIsNeverATtlDeletion() {
        var noTtl = record("user-delete-record.json");
        ((ObjectNode) change(noTtl).get("OldImage")).remove("ttl");
        var insert = record("user-delete-record.json");
        insert.put("eventName", "INSERT");

        assertThat(StreamImages.isTtlDeletion(noTtl, false)).isFalse();
        assertThat(StreamImages.isTtlDeletion(insert, false)).isFalse();
    }

    @Test
    void theIdentityMustBeTheTtlServiceItself() {
        var otherPrincipal = record("ttl-remove-record.json");
        ((ObjectNode) otherPrincipal.get("userIdentity")).put("principalId", "someone.amazonaws.com");
        var notAService = record("ttl-remove-record.json");
        ((ObjectNode) notAService.get("userIdentity")).put("type", "User");

        assertThat(StreamImages.isTtlDeletion(otherPrincipal, true)).isFalse();
        assertThat(StreamImages.isTtlDeletion(notAService, true)).isFalse();
    }

    @Test
    void theOldImageIsReadAsTheSdksAttributeValuesOfEveryType() throws IOException {
        JsonNode image = Json.MAPPER.readTree("""
                {"s": {"S": "café"}, "n": {"N": "12345678901234567.89"}, "yes": {"BOOL": true}, "no": {"BOOL": false},
                 "nothing": {"NULL": true}, "b": {"B": "AAEC"}, "m": {"M": {"inner": {"S": "x"}}},
                 "l": {"L": [{"N": "1"}, {"S": "two"}]}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]},
                 "bs": {"BS": ["AA==", "AQ=="]}, "odd": {"XX": "?"}}
                """);

        Map<String, AttributeValue> item = StreamImages.toSdk(image);

        assertThat(item).containsExactly(
                Map.entry("s", AttributeValue.fromS("café")),
                Map.entry("n", AttributeValue.fromN("12345678901234567.89")),
                Map.entry("yes", AttributeValue.fromBool(true)),
                Map.entry("no", AttributeValue.fromBool(false)),
                Map.entry("nothing", AttributeValue.fromNul(true)),
                Map.entry("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, 2}))),
                Map.entry("m", AttributeValue.fromM(Map.of("inner", AttributeValue.fromS("x")))),
                Map.entry("l", AttributeValue.fromL(List.of(AttributeValue.fromN("1"), AttributeValue.fromS("two")))),
                Map.entry("ss", AttributeValue.fromSs(List.of("a", "b"))),
                Map.entry("ns", AttributeValue.fromNs(List.of("1", "2.5"))),
                Map.entry("bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {0}), SdkBytes.fromByteArray(new byte[] {1})))),
                Map.entry("odd", AttributeValue.fromNul(true)));
        assertThat(StreamImages.toSdk(record("ttl-remove-record.json").path("dynamodb").path("OldImage")))
                .containsEntry("jobId", AttributeValue.fromS("licence-deactivate:LIC-1001"))
                .containsEntry("ttl", AttributeValue.fromN("1798761599")).hasSize(13);
        assertThat(StreamImages.toSdk(record("ttl-remove-record.json").path("dynamodb").path("NewImage"))).as("no such image").isEmpty();
    }

    @Test
    void aRecordIsKnownByItsSequenceNumberAndBelongsToItsJob() {
        var record = record("ttl-remove-record.json");

        assertThat(StreamImages.sequenceNumber(record)).isEqualTo("111100000000000000001");
        assertThat(StreamImages.jobOf(record)).isEqualTo("licence-deactivate:LIC-1001");
        var keyless = record("ttl-remove-record.json");
        change(keyless).remove("Keys");
        change(keyless).remove("SequenceNumber");
        assertThat(StreamImages.jobOf(keyless)).as("without keys, the record alone").isEqualTo("c81e728d9d4c2f636f067f89cc14862c");
        assertThat(StreamImages.sequenceNumber(keyless)).isNull();
    }
}
