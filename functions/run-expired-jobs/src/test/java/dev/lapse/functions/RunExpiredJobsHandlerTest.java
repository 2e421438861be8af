package dev.lapse.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.lapse.Lapse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Which REMOVE records count as TTL deletions: with the TTL identity required (AWS) only those
 * carrying it; without (LocalStack, TtlDeletionFilter=any-remove) any delete made once the item's
 * ttl had passed, never one made before it (a cancel or an operator's delete). Inputs are events/.
 */
class RunExpiredJobsHandlerTest {
    private static final Path EVENTS = Path.of("../../events");
    private static final Instant LATER = Instant.parse("2027-01-02T00:00:00Z");

    private static RunExpiredJobsHandler handler(boolean requireTtlIdentity) {
        var http = UrlConnectionHttpClient.builder().build();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        URI nowhere = URI.create("http://127.0.0.1:9");
        Lapse lapse = new Lapse(Lapse.Settings.fromEnvironment(Map.of("JOBS_TABLE", "jobs", "EXECUTIONS_TABLE", "executions",
                "LICENCES_TABLE", "licences", "DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:9/000000000000/dlq")),
                DynamoDbClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials).endpointOverride(nowhere).build(),
                EventBridgeClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials).endpointOverride(nowhere).build(),
                SqsClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials).endpointOverride(nowhere).build(),
                Clock.fixed(LATER, ZoneOffset.UTC));
        return new RunExpiredJobsHandler(lapse, requireTtlIdentity);
    }

    private static DynamodbEvent.DynamodbStreamRecord record(String sample) {
        return EventLoader.loadDynamoDbEvent(EVENTS.resolve(sample).toString()).getRecords().get(0);
    }

    private static long ttlOf(DynamodbEvent.DynamodbStreamRecord record) {
        return Long.parseLong(record.getDynamodb().getOldImage().get("ttl").getN());
    }

    @Test
    void withTheIdentityRequiredOnlyTtlDeletionsCount() {
        RunExpiredJobsHandler strict = handler(true);

        assertThat(strict.isTtlDeletion(record("ttl-remove-record.json"))).isTrue();
        assertThat(strict.isTtlDeletion(record("user-delete-record.json"))).as("a delete without the TTL identity").isFalse();
    }

    @Test
    void withoutTheIdentityADeleteBeforeTheTtlIsNotATtlDeletion() {
        RunExpiredJobsHandler lenient = handler(false);
        var cancel = record("user-delete-record.json");
        cancel.getDynamodb().setApproximateCreationDateTime(Date.from(Instant.ofEpochSecond(ttlOf(cancel) - 1)));

        assertThat(lenient.isTtlDeletion(cancel)).as("deleted one second before its ttl").isFalse();
    }

    @Test
    void withoutTheIdentityADeleteOnceTheTtlHasPassedCountsAsTtl() {
        RunExpiredJobsHandler lenient = handler(false);
        var expired = record("user-delete-record.json");
        assertThat(expired.getDynamodb().getApproximateCreationDateTime().toInstant().getEpochSecond())
                .as("the sample is deleted after its ttl").isGreaterThanOrEqualTo(ttlOf(expired));
        var atTheSecond = record("user-delete-record.json");
        atTheSecond.getDynamodb().setApproximateCreationDateTime(Date.from(Instant.ofEpochSecond(ttlOf(atTheSecond))));

        assertThat(lenient.isTtlDeletion(expired)).isTrue();
        assertThat(lenient.isTtlDeletion(atTheSecond)).as("deleted in the second of its ttl").isTrue();
        assertThat(lenient.isTtlDeletion(record("ttl-remove-record.json"))).as("a deletion with the TTL identity").isTrue();
    }

    @Test
    void withoutTheIdentityADeleteWithoutItsTimeIsNotATtlDeletion() {
        RunExpiredJobsHandler lenient = handler(false);
        var undated = record("user-delete-record.json");
        undated.getDynamodb().setApproximateCreationDateTime(null);

        assertThat(lenient.isTtlDeletion(undated)).as("it cannot show it was deleted on or after its ttl").isFalse();
        assertThat(handler(true).isTtlDeletion(record("ttl-remove-record.json"))).isTrue();
    }

    @Test
    void withoutTheIdentityAnItemWithoutANumericTtlIsNeverATtlDeletion() {
        RunExpiredJobsHandler lenient = handler(false);
        var noTtl = record("user-delete-record.json");
        noTtl.getDynamodb().getOldImage().remove("ttl");
        var insert = record("user-delete-record.json");
        insert.setEventName("INSERT");

        assertThat(lenient.isTtlDeletion(noTtl)).isFalse();
        assertThat(lenient.isTtlDeletion(insert)).isFalse();
    }
}
