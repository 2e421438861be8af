package dev.lapse.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.local.PollingThreads;
import dev.lapse.local.Template;
import dev.lapse.scenarios.localstack.DeployedResources;
import dev.lapse.scenarios.localstack.DeploymentPlan;
import dev.lapse.scenarios.localstack.LocalStackDeployer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The scenarios' environment on LocalStack in Docker (Testcontainers). template.yaml is deployed
 * with the SDK ({@link DeploymentPlan}, {@link LocalStackDeployer}): the real function jars run in
 * LocalStack's Lambda, fed by its DynamoDB stream and SQS event source mappings and EventBridge
 * rules. Due jobs expire through LocalStack's TTL sweep: DYNAMODB_REMOVE_EXPIRED_ITEMS=1 turns on
 * its own (hourly) sweep, and this environment calls its on-demand sweep
 * ({@code DELETE /_aws/dynamodb/expired}) every two seconds.
 *
 * <p>LocalStack's TTL deletions carry no service identity, so the template is deployed with
 * {@code TtlDeletionFilter=any-remove} (see "Testing against LocalStack" in README.md).
 */
public final class LocalStackEnvironment implements LapseEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-localstack");
    public static final String IMAGE_VARIABLE = "LAPSE_LOCALSTACK_IMAGE";
    /** The last tag that runs without an auth token. */
    public static final String DEFAULT_IMAGE = "localstack/localstack:4.14.0";
    public static final String TOKEN_VARIABLE = "LOCALSTACK_AUTH_TOKEN";
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(2);
    private static final String EVENTS_OBSERVER = "lapse-scenarios-observer";

    private final LocalStackContainer container;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final PollingThreads pollers = new PollingThreads(Duration.ofSeconds(3));
    private final SdkHttpClient http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(3)).build();
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private LambdaClient lambda;
    private EventBridgeClient eventBridge;
    private DeployedResources deployed;
    private final boolean preciseDelivery;

    /** Starts LocalStack and deploys the template with these parameters (TtlDeletionFilter is always any-remove). */
    public LocalStackEnvironment(Map<String, String> parameters) {
        Map<String, String> effective = templateParameters(parameters);
        preciseDelivery = !"disabled".equals(effective.get("PreciseDelivery"));
        DeploymentPlan plan = DeploymentPlan.of(Template.load(LocalRuntimeEnvironment.root().resolve("template.yaml"), effective),
                LocalRuntimeEnvironment.root());
        String image = image(System.getenv());
        LOG.info("starting {} (override with {})", image, IMAGE_VARIABLE);
        container = new LocalStackContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"))
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("localstack")));
        containerEnvironment(System.getenv()).forEach(container::withEnv);
        try {
            container.start();
            connect();
            long t0 = System.nanoTime();
            deployed = new LocalStackDeployer(dynamo, sqs, lambda, eventBridge).deploy(plan);
            LOG.info("template deployed to LocalStack in {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
            observeLapseEvents(plan.template().parameters().get("EventBusName"));
            background("localstack-ttl-sweep", this::sweepExpiredItems, SWEEP_INTERVAL);
            warmUp();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public boolean preciseDelivery() {
        return preciseDelivery;
    }

    /** The template's parameters for LocalStack: TtlDeletionFilter=any-remove, since its TTL deletions carry no identity. */
    static Map<String, String> templateParameters(Map<String, String> parameters) {
        String filter = parameters.getOrDefault("TtlDeletionFilter", "any-remove");
        if (!filter.equals("any-remove")) {
            throw new IllegalArgumentException("TtlDeletionFilter=" + filter + " cannot work on LocalStack: its TTL deletions carry"
                    + " no userIdentity, so the strict filter drops every one of them; LocalStack needs any-remove");
        }
        Map<String, String> out = new LinkedHashMap<>(parameters);
        out.put("TtlDeletionFilter", "any-remove");
        return out;
    }

    static String image(Map<String, String> env) {
        String image = env.get(IMAGE_VARIABLE);
        return image == null || image.isBlank() ? DEFAULT_IMAGE : image.trim();
    }

    /** LocalStack's own settings: TTL expiry on, time for a Java runtime to start, the auth token when there is one. */
    static Map<String, String> containerEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("DYNAMODB_REMOVE_EXPIRED_ITEMS", "1");
        out.put("LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT", "60");
        String token = env.get(TOKEN_VARIABLE);
        if (token != null && !token.isBlank()) {
            out.put(TOKEN_VARIABLE, token.trim());
        }
        return out;
    }

    private void connect() {
        URI endpoint = container.getEndpoint();
        Region region = Region.of(container.getRegion());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey()));
        dynamo = DynamoDbClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
        sqs = SqsClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
        lambda = LambdaClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
        eventBridge = EventBridgeClient.builder().httpClient(http).endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
    }

    /** A rule on Lapse's bus sends its own events (source "lapse") to a queue, drained into {@link #lapseEvents()}. */
    private void observeLapseEvents(String bus) {
        String url = sqs.createQueue(r -> r.queueName(EVENTS_OBSERVER)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        eventBridge.putRule(r -> r.name(EVENTS_OBSERVER).eventBusName(bus).eventPattern("{\"source\": [\"lapse\"]}"));
        var targets = eventBridge.putTargets(r -> r.rule(EVENTS_OBSERVER).eventBusName(bus).targets(t -> t.id("observer").arn(arn)));
        if (targets.failedEntryCount() > 0) {
            throw new IllegalStateException("observer rule target refused: " + targets.failedEntries());
        }
        background("lapse-events-drain", () -> {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message m : messages) {
                events.add(Json.read(m.body()));
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }, Duration.ZERO);
    }

    /** LocalStack's on-demand TTL sweep: deletes every item whose TTL attribute has passed (without the TTL identity). */
    private void sweepExpiredItems() {
        HttpRequest request = HttpRequest.newBuilder(container.getEndpoint().resolve("/_aws/dynamodb/expired"))
                .timeout(Duration.ofSeconds(30)).DELETE().build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warn("TTL sweep answered {}: {}", response.statusCode(), response.body());
            } else if (!response.body().contains("\"ExpiredItems\": 0") && !response.body().contains("\"ExpiredItems\":0")) {
                LOG.info("TTL sweep: {}", response.body());
            }
        } catch (java.io.IOException e) {
            LOG.warn("TTL sweep failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** First invocations start the Java runtimes and the SDK clients, so that the scenarios' requests meet warm functions. */
    private void warmUp() {
        long t0 = System.nanoTime();
        String jobId = "warm-up-" + UUID.randomUUID();
        String due = Instant.now().plus(Duration.ofDays(1)).toString();
        invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", "Schedule Job")
                .set("detail", Json.object().put("jobId", jobId).put("jobType", "test.warm-up").put("dueAt", due))));
        invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", "Cancel Job").set("detail", Json.object().put("jobId", jobId))));
        invoke("RunExpiredJobsFunction", "{\"Records\": []}");
        invoke("RunDueJobsFunction", "{\"Records\": []}");
        LOG.info("functions warmed up in {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    private void invoke(String logicalId, String payload) {
        var response = lambda.invoke(r -> r.functionName(functionName(logicalId)).payload(SdkBytes.fromUtf8String(payload)));
        if (response.functionError() != null) {
            throw new IllegalStateException(logicalId + " failed on LocalStack: " + response.payload().asUtf8String());
        }
    }

    private void background(String name, Runnable step, Duration pause) {
        Thread t = new Thread(() -> {
            while (pollers.running()) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    if (!pollers.running()) {
                        return;
                    }
                    LOG.warn("{}: {}", name, e.toString());
                }
                try {
                    Thread.sleep(Math.max(pause.toMillis(), 100));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        pollers.start(t);
    }

    @Override public EventBridgeClient events() { return eventBridge; }
    @Override public LambdaClient lambda() { return lambda; }
    @Override public DynamoDbClient dynamo() { return dynamo; }
    @Override public SqsClient sqs() { return sqs; }
    @Override public String jobsTable() { return deployed.table("JobsTable").name(); }
    @Override public String licencesTable() { return deployed.table("PaidLicensesTable").name(); }
    @Override public String executionsTable() { return deployed.table("JobExecutionsTable").name(); }
    @Override public String deadLetterQueueUrl() { return deployed.queue("JobsDeadLetterQueue").url(); }
    @Override public String streamFailureQueueUrl() { return deployed.queue("StreamFailureQueue").url(); }
    @Override public String functionName(String logicalId) { return deployed.function(logicalId).name(); }
    @Override public List<JsonNode> lapseEvents() { return List.copyOf(events); }

    /** Sweep every 2 s, then stream polling, a Lambda invocation, and EventBridge to the observer queue: generous. */
    @Override
    public Duration expiryBound() {
        return Duration.ofSeconds(90);
    }

    /** Requests go through EventBridge to an asynchronous invocation, and events come back through a queue. */
    @Override
    public Duration requestBound() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Duration settleTime() {
        return Duration.ofSeconds(3);
    }

    @Override
    public void close() {
        pollers.close();
        for (AutoCloseable client : new AutoCloseable[]{dynamo, sqs, lambda, eventBridge}) {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
        }
        http.close();
        container.stop();
    }
}
