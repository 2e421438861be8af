package dev.lapse.local;

import dev.lapse.Lapse;
import dev.lapse.UrlConnections;
import dev.lapse.local.console.ConsoleRoutes;
import dev.lapse.local.console.StackBackend;
import dev.lapse.local.console.StackOutputs;
import dev.lapse.run.PartialBatch;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Runs the application defined by template.yaml on one JVM: DynamoDB Local (tables, streams,
 * TTL), ElasticMQ (queues with redrive), event-ruler (rules and filters), and the functions' real
 * handlers, with EventBridge PutEvents and Lambda Invoke endpoints for real AWS clients. This is the
 * lifecycle: the template is checked ({@link TemplateCheck}) before any server boots, then
 * {@link LocalResources} provisions, {@link EventSources} wires and polls, {@link ApiServer} answers.
 */
public final class LocalRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-local");


    private final RuntimeOptions options;
    private final Template template;
    private final LocalResources resources;
    private final ExecutorService deliveries = Executors.newFixedThreadPool(4, daemon("lapse-deliveries"));
    /**
     * One JVM's connections for all the functions' instances, where each Lambda instance has its own: as many kept per
     * host as the queue pollers at most run records at once, each batch {@link PartialBatch#CONCURRENCY}.
     */
    private final SdkHttpClient http = UrlConnections.client(EventSources.SQS_POLLERS_MAX * PartialBatch.CONCURRENCY);
    private final ListenAddress address;

    private DynamoDbLocalServer dynamoServer;
    private SQSRestServer sqsServer;
    private ApiServer api;
    private final LocalMetrics metrics = new LocalMetrics();
    private LocalEventBus bus;
    private EventSources sources;
    private volatile AsyncInvocations async;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private URI dynamoEndpoint;
    private URI sqsEndpoint;
    private URI apiEndpoint;
    private Duration startup;
    private ExecutionInterceptor functionCalls;

    private LocalRuntime(RuntimeOptions options) {
        this.options = options;
        this.template = Template.load(options.root().resolve("template.yaml"), options.parameters(), options.minimums());
        this.resources = new LocalResources(template);
        this.address = new ListenAddress(options.host());
    }

    /** Starts everything; a template construct that cannot be honoured is a {@link TemplateException}, thrown before any server boots. */
    public static LocalRuntime start(RuntimeOptions options) {
        return start(options, null);
    }

    /** The bench's: {@link #start(RuntimeOptions)}, with {@code functionCalls} on the functions' SDK clients (not the runtime's own). */
    static LocalRuntime start(RuntimeOptions options, ExecutionInterceptor functionCalls) {
        LocalRuntime runtime = new LocalRuntime(options);
        runtime.functionCalls = functionCalls;
        try {
            runtime.boot();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        } catch (Exception e) {
            runtime.close();
            throw new IllegalStateException("local runtime failed to start: " + e, e);
        }
    }

    private void boot() throws Exception {
        long t0 = System.nanoTime();
        TemplateCheck.check(template);
        Map<String, Integer> requested = new LinkedHashMap<>();
        requested.put("--dynamodb-port", options.dynamoPort());
        requested.put("--sqs-port", options.sqsPort());
        requested.put("--api-port", options.apiPort());
        address.checkFree(requested);

        dynamoServer = new DynamoDbLocalServer(address.host(), options.dynamoPort());
        dynamoEndpoint = address.endpoint(dynamoServer.port());
        sqsEndpoint = address.endpoint(options.sqsPort() == 0 ? address.startOnFreePort(this::startSqs, 5) : startSqs(options.sqsPort()));

        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        Region region = Region.of(template.region());
        FastTtl fastTtl = new FastTtl(options.fastTtl(), options.clock());
        dynamo = DynamoDbClient.builder().httpClient(http).endpointOverride(dynamoEndpoint).region(region).credentialsProvider(credentials).build();
        var streams = new TtlMarkingStreamsClient(DynamoDbStreamsClient.builder().httpClient(http).endpointOverride(dynamoEndpoint)
                .region(region).credentialsProvider(credentials).build(), fastTtl);
        sqs = SqsClient.builder().httpClient(http).endpointOverride(sqsEndpoint).region(region).credentialsProvider(credentials).build();

        resources.nameBuses();
        bus = new LocalEventBus(resources.ids().busNames(), deliveries, template.account(), template.region());
        resources.createTables(dynamo, options.ttlOff());
        resources.createQueues(sqs);

        api = new ApiServer(address.host(), options.apiPort(), bus, new LambdaApi(this::function, resources::alias,
                template.region(), template.account(), this::invokeAsync));
        apiEndpoint = address.endpoint(api.port());
        var events = EventBridgeClient.builder().httpClient(http).endpointOverride(apiEndpoint).region(region).credentialsProvider(credentials).build();
        var clients = new LocalResources.Clients(dynamo, streams, sqs, events);
        resources.createFunctions(functionCalls == null ? clients : LocalResources.Clients.connect(http, List.of(dynamoEndpoint, sqsEndpoint,
                apiEndpoint), region, credentials, fastTtl, ClientOverrideConfiguration.builder().addExecutionInterceptor(functionCalls).build()),
                options);

        resources.lapses().forEach(lapse -> lapse.metrics().sendTo(metrics::record));
        TemplateModel.ignoredIn(template).ifPresent(ignored ->
                LOG.info("not created locally: {} (CloudWatch; the local metrics are at GET /metrics on the API port)", ignored));
        api.serveMetrics(metrics);
        api.serveConsole(new ConsoleRoutes(new StackBackend(
                LambdaClient.builder().httpClient(http).endpointOverride(apiEndpoint).region(region).credentialsProvider(credentials).build(),
                sqs, localOutputs(), "the local runtime")), new StackDescription(localOutputs(), template.region(), template.account()));
        async = AsyncInvocations.of(template, resources, sqs, deliveries, options.clock());
        sources = new EventSources(template, resources, clients, bus, async,
                new EventSources.Settings(options.pollInterval(), options.schedules(), fastTtl, options.clock(), options.sweepEvery()));
        bus.targets(new RuleTargets(sqs, sqsEndpoint, this::function, sources::invokeAsync)::target);
        sources.wire();
        sources.start();
        startup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("Lapse local runtime ready in {} ms ({} TTL)", startup.toMillis(),
                options.fastTtl() ? "fast" : "DynamoDB Local's own");
    }

    /** An asynchronous Invoke; refused while the runtime is still starting (the API answers before the functions exist). */
    private void invokeAsync(LocalFunction function, String event, String qualifier) {
        AsyncInvocations ready = async;
        if (ready == null) {
            throw new AwsError(503, "ServiceException", "the local runtime is still starting; try again when it says it is ready");
        }
        ready.invoke(function, event, qualifier);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }


    /** Finds a function by logical id or physical name. */
    public LocalFunction function(String name) {
        return resources.function(name);
    }

    public int functionCount() {
        return resources.functionCount();
    }

    public Lapse lapse(String functionLogicalId) {
        return resources.lapse(functionLogicalId);
    }

    /** A function's environment variables as the template resolves them here (Globals merged in), with the options' additions. */
    public Map<String, String> environment(String functionLogicalId) {
        return resources.environment(functionLogicalId);
    }

    public String tableName(String logicalId) {
        return resources.ids().table(logicalId).name();
    }

    public String queueUrl(String logicalId) {
        return resources.ids().queue(logicalId).url();
    }

    /** What a deployed stack's Outputs would give the console, from this runtime's own names. */
    StackOutputs localOutputs() {
        return new StackOutputs(function("ScheduleJobFunction").name(), function("ReplayDeadLettersFunction").name(),
                queueUrl("JobsDeadLetterQueue"));
    }

    /** What {@code GET /metrics} answers: the functions' metrics, summed. */
    public com.fasterxml.jackson.databind.node.ObjectNode metrics() {
        return metrics.snapshot();
    }

    public LocalEventBus bus() {
        return bus;
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    /** The EventBridge PutEvents and Lambda Invoke endpoint. */
    public URI apiEndpoint() {
        return apiEndpoint;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** Starts ElasticMQ on {@code port} (queue ARNs name the template's region, as on AWS, so a rule can target them). */
    private int startSqs(int port) {
        sqsServer = SQSRestServerBuilder.withPort(port).withInterface(address.host()).withAWSRegion(template.region()).start();
        try {
            sqsServer.waitUntilStarted();
            return port;
        } catch (RuntimeException e) {
            stop(sqsServer);
            sqsServer = null;
            throw e;
        }
    }

    /** Stops an ElasticMQ server; its stop can hang on a busy machine, so it gets 5 s (its threads are daemons anyway). */
    private static void stop(SQSRestServer server) {
        Thread stopper = new Thread(() -> {
            try {
                server.stopAndWait();
            } catch (RuntimeException ignored) {
                // already stopping, or never started
            }
        }, "elasticmq-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Duration startup() {
        return startup;
    }

    public Template template() {
        return template;
    }

    public List<String> scheduleDescriptions() {
        return sources == null ? List.of() : sources.scheduleDescriptions();
    }

    @Override
    public void close() {
        if (sources != null) {
            sources.close();
        }
        if (async != null) {
            async.close();
        }
        deliveries.shutdownNow();
        if (api != null) {
            api.close();
        }
        if (sqsServer != null) {
            stop(sqsServer);
        }
        if (dynamoServer != null) {
            try {
                dynamoServer.close();
            } catch (RuntimeException ignored) {
                // already stopping
            }
        }
    }
}
