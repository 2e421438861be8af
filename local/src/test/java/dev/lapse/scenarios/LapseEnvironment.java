package dev.lapse.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where the end-to-end scenarios run: Lapse's local runtime (always) or LocalStack (with Docker).
 * Scenarios talk to it only through real AWS SDK clients.
 */
public interface LapseEnvironment extends AutoCloseable {

    EventBridgeClient events();

    LambdaClient lambda();

    DynamoDbClient dynamo();

    SqsClient sqs();

    String jobsTable();

    String licencesTable();

    String executionsTable();

    String deadLetterQueueUrl();

    String streamFailureQueueUrl();

    /** Physical name of a function of the template, by logical id. */
    String functionName(String logicalId);

    /** Events Lapse itself has put on the bus (source "lapse") so far. */
    List<JsonNode> lapseEvents();

    /** Whether the template was deployed with its due-jobs queue (PreciseDelivery=enabled, the default). */
    boolean preciseDelivery();

    /** Upper bound for a due job to be expired and run in this environment. */
    Duration expiryBound();

    /** Upper bound for a request (a PutEvents or an Invoke) to have its effect: the item written, the event seen. */
    default Duration requestBound() {
        return Duration.ofSeconds(5);
    }

    /**
     * How long to keep watching, once a run has been seen, for a run that must not happen (a
     * duplicate, a cancelled job that would have run alongside the canary).
     */
    default Duration settleTime() {
        return Duration.ofMillis(500);
    }

    /** Failure injection, where the environment has it (the local runtime does, LocalStack does not). */
    default Optional<FaultInjector> faults() {
        return Optional.empty();
    }

    /** Makes PutEvents entries fail, as EventBridge reports failed entries. */
    interface FaultInjector {
        void failEntries(Predicate<JsonNode> event, int times, String errorCode);

        void clear();
    }

    @Override
    void close();
}
