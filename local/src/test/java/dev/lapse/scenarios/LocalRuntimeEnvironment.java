package dev.lapse.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.local.LocalRuntime;
import dev.lapse.local.RuntimeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The scenarios' environment on Lapse's own local runtime, reached through its endpoints. */
public final class LocalRuntimeEnvironment implements LapseEnvironment {
    private final LocalRuntime runtime;
    private final boolean fastTtl;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final EventBridgeClient eventBridge;
    private final LambdaClient lambda;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;

    public LocalRuntimeEnvironment(boolean fastTtl, Map<String, String> parameters) {
        this(RuntimeOptions.defaults(root()).withFastTtl(fastTtl).withParameters(parameters).withSchedules(false));
    }

    public LocalRuntimeEnvironment(RuntimeOptions options) {
        this.fastTtl = options.fastTtl() || options.ttlOff();
        this.runtime = LocalRuntime.start(options);
        runtime.bus().observe(event -> {
            if ("lapse".equals(event.path("source").asText())) {
                events.add(event);
            }
        });
        var http = UrlConnectionHttpClient.builder().build();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        this.eventBridge = EventBridgeClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.apiEndpoint()).build();
        this.lambda = LambdaClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.apiEndpoint()).build();
        this.dynamo = DynamoDbClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.dynamoEndpoint()).build();
        this.sqs = SqsClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(runtime.sqsEndpoint()).build();
    }

    @Override
    public boolean preciseDelivery() {
        return !runtime.environment("ScheduleJobFunction").getOrDefault("DUE_JOBS_QUEUE_URL", "").isEmpty();
    }

    static Path root() {
        return Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    }

    public LocalRuntime runtime() {
        return runtime;
    }

    @Override public EventBridgeClient events() { return eventBridge; }
    @Override public LambdaClient lambda() { return lambda; }
    @Override public DynamoDbClient dynamo() { return dynamo; }
    @Override public SqsClient sqs() { return sqs; }
    @Override public String jobsTable() { return runtime.tableName("JobsTable"); }
    @Override public String licencesTable() { return runtime.tableName("PaidLicensesTable"); }
    @Override public String executionsTable() { return runtime.tableName("JobExecutionsTable"); }
    @Override public String deadLetterQueueUrl() { return runtime.queueUrl("JobsDeadLetterQueue"); }
    @Override public String streamFailureQueueUrl() { return runtime.queueUrl("StreamFailureQueue"); }
    @Override public String functionName(String logicalId) { return runtime.function(logicalId).name(); }
    @Override public List<JsonNode> lapseEvents() { return List.copyOf(events); }

    /** DynamoDB Local's own sweeper runs about every 10 s; fast TTL within about a second. */
    @Override
    public Duration expiryBound() {
        return fastTtl ? Duration.ofSeconds(10) : Duration.ofSeconds(40);
    }

    @Override
    public Optional<FaultInjector> faults() {
        return Optional.of(new FaultInjector() {
            @Override
            public void failEntries(java.util.function.Predicate<JsonNode> match, int times, String errorCode) {
                runtime.bus().failEntries(match, times, errorCode);
            }

            @Override
            public void clear() {
                runtime.bus().clearFaults();
            }
        });
    }

    @Override
    public void close() {
        runtime.close();
    }
}
