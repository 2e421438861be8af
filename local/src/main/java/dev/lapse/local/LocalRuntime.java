package dev.lapse.local;

import dev.lapse.Lapse;
import dev.lapse.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Runs the application defined by template.yaml on one JVM: DynamoDB Local (tables, streams,
 * TTL), ElasticMQ (queues with redrive), event-ruler (rules and filters), and the functions' real
 * handlers, with EventBridge PutEvents and Lambda Invoke endpoints for real AWS clients.
 */
public final class LocalRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-local");
    private static final int SQS_POLLERS = 4;

    /** How to start. */
    public record Options(Path root, boolean fastTtl, int dynamoPort, int sqsPort, int apiPort,
                          Map<String, String> parameters, boolean schedules, Duration pollInterval, boolean ttlOff, String host) {
        /** Every endpoint listens on the loopback interface only, unless {@link #withHost} widens it. */
        public static final String LOOPBACK = "127.0.0.1";

        public Options(Path root, boolean fastTtl, int dynamoPort, int sqsPort, int apiPort,
                       Map<String, String> parameters, boolean schedules, Duration pollInterval, boolean ttlOff) {
            this(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, LOOPBACK);
        }

        public static Options defaults(Path root) {
            return new Options(root, false, 0, 0, 0, Map.of(), true, Duration.ofMillis(100), false);
        }

        /** The address the endpoints listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
        public Options withHost(String address) {
            return new Options(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, address);
        }

        /** Tests only: no TTL deletion at all, so only the precise path (due-jobs queue) can run a job. */
        public Options withoutTtl() {
            return new Options(root, false, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, true, host);
        }

        public Options withFastTtl(boolean fast) {
            return new Options(root, fast, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, host);
        }

        public Options withPorts(int dynamo, int sqs, int api) {
            return new Options(root, fastTtl, dynamo, sqs, api, parameters, schedules, pollInterval, ttlOff, host);
        }

        public Options withParameters(Map<String, String> params) {
            return new Options(root, fastTtl, dynamoPort, sqsPort, apiPort, params, schedules, pollInterval, ttlOff, host);
        }

        public Options withSchedules(boolean on) {
            return new Options(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, on, pollInterval, ttlOff, host);
        }
    }

    private record TableInfo(String name, String ttlAttribute, List<String> keys, String streamArn, String arn) {
    }

    private record QueueInfo(String name, String url, String arn) {
    }

    private final Options options;
    private final Template template;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, TableInfo> tables = new LinkedHashMap<>();
    private final Map<String, QueueInfo> queues = new LinkedHashMap<>();
    private final Map<String, String> busNames = new LinkedHashMap<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final Map<String, Lapse> lapses = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final List<StreamEventSource> streamSources = new ArrayList<>();
    private final List<QueueEventSource> queueSources = new ArrayList<>();
    private final List<ScheduleSource> schedules = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService deliveries = Executors.newFixedThreadPool(4, daemon("lapse-deliveries"));
    private final SdkHttpClient http = UrlConnectionHttpClient.builder().build();
    private final FastTtl fastTtl;
    private final Instant startedAt = Instant.now();

    private DynamoDbLocalServer dynamoServer;
    private SQSRestServer sqsServer;
    private ApiServer api;
    private LocalEventBus bus;
    private DynamoDbClient dynamo;
    private DynamoDbStreamsClient streams;
    private SqsClient sqs;
    private EventBridgeClient events;
    private URI dynamoEndpoint;
    private URI sqsEndpoint;
    private URI apiEndpoint;
    private Duration startup;

    private LocalRuntime(Options options) {
        this.options = options;
        this.template = Template.load(options.root().resolve("template.yaml"), options.parameters());
        this.fastTtl = new FastTtl(options.fastTtl(), clock);
    }

    /** Starts everything; a template construct that cannot be honoured is a {@link TemplateException}. */
    public static LocalRuntime start(Options options) {
        LocalRuntime runtime = new LocalRuntime(options);
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
        TemplateModel.validate(template);
        Map<String, Map<String, Object>> resources = template.resources();

        String host = options.host();
        checkPortsFree(host);
        dynamoServer = new DynamoDbLocalServer(host, options.dynamoPort());
        dynamoEndpoint = endpoint(dynamoServer.port());

        int sqsPort = options.sqsPort() == 0 ? freePort(host) : options.sqsPort();
        // queue ARNs name the template's region, as on AWS (arn:aws:sqs:us-east-1:000000000000:NAME), so a rule can target them
        sqsServer = SQSRestServerBuilder.withPort(sqsPort).withInterface(host).withAWSRegion(template.region()).start();
        sqsServer.waitUntilStarted();
        sqsEndpoint = endpoint(sqsPort);

        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        Region region = Region.of(template.region());
        dynamo = DynamoDbClient.builder().httpClient(http).endpointOverride(dynamoEndpoint).region(region).credentialsProvider(credentials).build();
        streams = new TtlMarkingStreamsClient(DynamoDbStreamsClient.builder().httpClient(http).endpointOverride(dynamoEndpoint)
                .region(region).credentialsProvider(credentials).build(), fastTtl);
        sqs = SqsClient.builder().httpClient(http).endpointOverride(sqsEndpoint).region(region).credentialsProvider(credentials).build();

        busNames.put("default", "default");
        resources.forEach((id, r) -> {
            if ("AWS::Events::EventBus".equals(r.get("Type"))) {
                busNames.put(id, String.valueOf(resolve(Template.map(r.get("Properties")).get("Name"), "Resources." + id + ".Properties.Name")));
            }
        });
        bus = new LocalEventBus(Set.copyOf(busNames.values()), deliveries, template.account(), template.region());
        bus.targets(this::ruleTarget);

        resources.forEach((id, r) -> {
            if ("AWS::DynamoDB::Table".equals(r.get("Type"))) {
                createTable(id, Template.map(r.get("Properties")));
            }
        });
        createQueues(resources);

        api = new ApiServer(host, options.apiPort(), bus, new LambdaApi(this::function, f -> aliases.get(f.logicalId()),
                template.region(), template.account(), deliveries::submit));
        apiEndpoint = endpoint(api.port());
        events = EventBridgeClient.builder().httpClient(http).endpointOverride(apiEndpoint).region(region).credentialsProvider(credentials).build();

        resources.forEach((id, r) -> {
            if ("AWS::Serverless::Function".equals(r.get("Type"))) {
                createFunction(id, r);
            }
        });
        resources.forEach((id, r) -> {
            if ("AWS::Serverless::Function".equals(r.get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, r);
                Template.map(props.get("Events")).forEach((eventId, e) -> wireEvent(id, eventId, Template.map(e)));
            }
        });
        startLoops();
        startup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("Lapse local runtime ready in {} ms ({} TTL)", startup.toMillis(),
                options.fastTtl() ? "fast" : "DynamoDB Local's own");
    }

    private void createTable(String id, Map<String, Object> props) {
        String where = "Resources." + id + ".Properties";
        String name = props.containsKey("TableName") ? String.valueOf(resolve(props.get("TableName"), where + ".TableName"))
                : template.stackName() + "-" + id;
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (Object a : (List<?>) props.get("AttributeDefinitions")) {
            Map<String, Object> m = Template.map(a);
            attributes.add(AttributeDefinition.builder().attributeName(String.valueOf(m.get("AttributeName")))
                    .attributeType(String.valueOf(m.get("AttributeType"))).build());
        }
        List<KeySchemaElement> keys = new ArrayList<>();
        List<String> keyNames = new ArrayList<>();
        for (Object k : (List<?>) props.get("KeySchema")) {
            Map<String, Object> m = Template.map(k);
            keys.add(KeySchemaElement.builder().attributeName(String.valueOf(m.get("AttributeName"))).keyType(String.valueOf(m.get("KeyType"))).build());
            keyNames.add(String.valueOf(m.get("AttributeName")));
        }
        Map<String, Object> stream = Template.map(props.get("StreamSpecification"));
        dynamo.createTable(r -> {
            r.tableName(name).attributeDefinitions(attributes).keySchema(keys).billingMode("PAY_PER_REQUEST");
            if (!stream.isEmpty()) {
                r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.fromValue(String.valueOf(stream.get("StreamViewType")))));
            }
        });
        Map<String, Object> ttl = Template.map(props.get("TimeToLiveSpecification"));
        String ttlAttribute = null;
        if (Boolean.TRUE.equals(resolve(ttl.get("Enabled"), where + ".TimeToLiveSpecification.Enabled")) && !options.ttlOff()) {
            ttlAttribute = String.valueOf(ttl.get("AttributeName"));
            String attr = ttlAttribute;
            dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.attributeName(attr).enabled(true)));
        }
        var description = dynamo.describeTable(r -> r.tableName(name)).table();
        tables.put(id, new TableInfo(name, ttlAttribute, keyNames, description.latestStreamArn(), description.tableArn()));
        LOG.info("table {} ({}){}{}", id, name, ttlAttribute == null ? "" : ", TTL on " + ttlAttribute,
                stream.isEmpty() ? "" : ", stream " + stream.get("StreamViewType"));
    }

    private void createQueues(Map<String, Map<String, Object>> resources) {
        resources.forEach((id, r) -> {
            if (!"AWS::SQS::Queue".equals(r.get("Type"))) {
                return;
            }
            Map<String, Object> props = Template.map(r.get("Properties"));
            String name = props.containsKey("QueueName") ? String.valueOf(resolve(props.get("QueueName"), "Resources." + id + ".QueueName")) : id;
            Map<QueueAttributeName, String> attributes = new HashMap<>();
            if (props.containsKey("VisibilityTimeout")) {
                attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(props.get("VisibilityTimeout")));
            }
            if (props.containsKey("MessageRetentionPeriod")) {
                attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(props.get("MessageRetentionPeriod")));
            }
            if (props.containsKey("DelaySeconds")) {
                attributes.put(QueueAttributeName.DELAY_SECONDS, String.valueOf(props.get("DelaySeconds")));
            }
            String url = sqs.createQueue(q -> q.queueName(name).attributes(attributes)).queueUrl();
            String arn = sqs.getQueueAttributes(q -> q.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            queues.put(id, new QueueInfo(name, url, arn));
        });
        resources.forEach((id, r) -> {
            if (!"AWS::SQS::Queue".equals(r.get("Type"))) {
                return;
            }
            Map<String, Object> props = Template.map(r.get("Properties"));
            if (props.containsKey("RedrivePolicy")) {
                Map<String, Object> redrive = Template.map(resolve(props.get("RedrivePolicy"), "Resources." + id + ".Properties.RedrivePolicy"));
                String policy = Json.write(Json.object().put("deadLetterTargetArn", String.valueOf(redrive.get("deadLetterTargetArn")))
                        .put("maxReceiveCount", String.valueOf(redrive.get("maxReceiveCount"))));
                sqs.setQueueAttributes(q -> q.queueUrl(queues.get(id).url()).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy)));
            }
            LOG.info("queue {} ({}){}", id, queues.get(id).url(), props.containsKey("RedrivePolicy") ? ", with redrive" : "");
        });
    }

    @SuppressWarnings("unchecked")
    private void createFunction(String id, Map<String, Object> resource) {
        Map<String, Object> props = TemplateModel.functionProperties(template, resource);
        String where = "Resources." + id + ".Properties";
        Map<String, Object> env = Template.map(Template.map(resolve(props.get("Environment"), where + ".Environment")).get("Variables"));
        Map<String, String> variables = new LinkedHashMap<>();
        env.forEach((k, v) -> variables.put(k, String.valueOf(v)));
        Lapse lapse;
        try {
            lapse = new Lapse(Lapse.Settings.fromEnvironment(variables), dynamo, events, sqs, streams, clock);
        } catch (RuntimeException e) {
            throw new TemplateException("Resource " + id + ": property Environment.Variables is not usable: " + e.getMessage(), e);
        }
        String name = props.containsKey("FunctionName") ? String.valueOf(resolve(props.get("FunctionName"), where + ".FunctionName")) : id;
        functions.put(id, new LocalFunction(id, name, String.valueOf(props.get("Handler")), lapse));
        if (props.get("AutoPublishAlias") != null) {
            aliases.put(id, String.valueOf(resolve(props.get("AutoPublishAlias"), where + ".AutoPublishAlias")));
        }
        lapses.put(id, lapse);
        environments.put(id, java.util.Collections.unmodifiableMap(variables));
    }

    private void wireEvent(String functionId, String eventId, Map<String, Object> event) {
        String type = String.valueOf(event.get("Type"));
        String where = "Resources." + functionId + ".Properties.Events." + eventId;
        Map<String, Object> p = Template.map(resolve(event.get("Properties"), where + ".Properties"));
        LocalFunction function = functions.get(functionId);
        switch (type) {
            case "DynamoDB" -> {
                String streamArn = String.valueOf(p.get("Stream"));
                TableInfo table = tables.values().stream().filter(t -> streamArn.equals(t.streamArn())).findFirst()
                        .orElseThrow(() -> new TemplateException(where + ": property Stream " + streamArn + " is not the stream of a table in the template"));
                List<String> patterns = new ArrayList<>();
                for (Object f : (List<?>) Template.map(p.get("FilterCriteria")).getOrDefault("Filters", List.of())) {
                    patterns.add(String.valueOf(Template.map(f).get("Pattern")));
                }
                Optional<String> onFailure = Optional.ofNullable(Template.map(Template.map(p.get("DestinationConfig")).get("OnFailure")).get("Destination"))
                        .map(arn -> queueByArn(String.valueOf(arn), where + ".DestinationConfig.OnFailure.Destination").url());
                int retries = p.containsKey("MaximumRetryAttempts") ? Integer.parseInt(String.valueOf(p.get("MaximumRetryAttempts"))) : 10_000;
                var config = new StreamEventSource.Config(functionId + "." + eventId, function, streamArn,
                        Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", 100))),
                        Boolean.parseBoolean(String.valueOf(p.getOrDefault("BisectBatchOnFunctionError", false))),
                        retries < 0 ? 10_000 : retries, onFailure, patterns,
                        String.valueOf(p.get("FunctionResponseTypes")).contains("ReportBatchItemFailures"));
                streamSources.add(new StreamEventSource(config, streams, sqs, template.region()));
                LOG.info("stream {} -> {} (batch {}, filter {})", table.name(), functionId, config.batchSize(), patterns);
            }
            case "SQS" -> {
                QueueInfo queue = queueByArn(String.valueOf(p.get("Queue")), where + ".Queue");
                queueSources.add(new QueueEventSource(new QueueEventSource.Config(functionId + "." + eventId, function, queue.url(), queue.arn(),
                        Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", 10))),
                        String.valueOf(p.get("FunctionResponseTypes")).contains("ReportBatchItemFailures")), sqs, template.region()));
                LOG.info("queue {} -> {}", queue.name(), functionId);
            }
            case "EventBridgeRule" -> {
                String busName = String.valueOf(p.getOrDefault("EventBusName", "default"));
                String pattern = Json.write(Json.MAPPER.valueToTree(p.get("Pattern")));
                bus.addRule(new LocalEventBus.Rule(functionId + "." + eventId, busName, pattern, functionArn(function),
                        json -> invokeAsync(function, json)));
                LOG.info("rule {}.{} on bus {} -> {}: {}", functionId, eventId, busName, functionId, pattern);
            }
            case "ScheduleV2", "Schedule" -> {
                String expression = String.valueOf(p.get("ScheduleExpression") != null ? p.get("ScheduleExpression") : p.get("Schedule"));
                String zone = p.get("ScheduleExpressionTimezone") == null ? "UTC" : String.valueOf(p.get("ScheduleExpressionTimezone"));
                String arn = "arn:aws:scheduler:" + template.region() + ":" + template.account() + ":schedule/default/"
                        + template.stackName() + "-" + eventId;
                String input = p.get("Input") == null ? null : String.valueOf(p.get("Input"));
                schedules.add(new ScheduleSource(functionId + "." + eventId, arn, expression, zone, input, json -> invokeAsync(function, json)));
                LOG.info("schedule {}.{}: {} ({})", functionId, eventId, expression, zone);
            }
            default -> throw new TemplateException(where + ": event source type " + type + " is not supported by the local runtime"
                    + " (supported: DynamoDB, SQS, EventBridgeRule, ScheduleV2, Schedule)");
        }
    }

    private void invokeAsync(LocalFunction function, String json) {
        deliveries.submit(() -> {
            try {
                function.invoke(json);
            } catch (Exception e) {
                LOG.error("{} failed: {}", function.logicalId(), e.toString());
            }
        });
    }

    private QueueInfo queueByArn(String arn, String where) {
        return queues.values().stream().filter(q -> q.arn().equals(arn)).findFirst()
                .orElseThrow(() -> new TemplateException(where + ": " + arn + " is not a queue of the template"));
    }

    private void startLoops() {
        for (StreamEventSource source : streamSources) {
            loop("stream-" + source.config().name(), () -> source.poll() == 0);
        }
        for (QueueEventSource source : queueSources) {
            // Lambda scales SQS consumers out; four concurrent pollers stand in for that here.
            for (int i = 0; i < SQS_POLLERS; i++) {
                loop("sqs-" + i, () -> source.poll(1) == 0);
            }
        }
        if (fastTtl.enabled()) {
            loop("fast-ttl", () -> {
                int deleted = 0;
                for (TableInfo t : tables.values()) {
                    if (t.ttlAttribute() != null && t.streamArn() != null) {
                        deleted += fastTtl.sweep(dynamo, t.name(), t.ttlAttribute(), t.keys());
                    }
                }
                return deleted == 0;
            });
        }
        if (options.schedules()) {
            for (ScheduleSource s : schedules) {
                Thread t = daemon("schedule-" + s.name()).newThread(() -> {
                    Instant after = Instant.now();
                    while (running.get()) {
                        Optional<Instant> next = s.nextAfter(after);
                        if (next.isEmpty()) {
                            return;
                        }
                        long wait = Duration.between(Instant.now(), next.get()).toMillis();
                        if (wait > 0 && !sleep(Math.min(wait, 500))) {
                            return;
                        }
                        if (!Instant.now().isBefore(next.get())) {
                            LOG.info("schedule {} fires for {}", s.name(), next.get());
                            s.fire(next.get());
                            after = next.get();
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
        }
    }

    private interface Step {
        /** Returns true when idle (nothing done), so the loop sleeps. */
        boolean run();
    }

    private void loop(String name, Step step) {
        Thread t = daemon("lapse-" + name).newThread(() -> {
            while (running.get()) {
                boolean idle;
                try {
                    idle = step.run();
                } catch (RuntimeException e) {
                    if (!running.get()) {
                        return;
                    }
                    LOG.warn("{} loop: {}", name, e.toString());
                    idle = true;
                }
                if (idle && !sleep(options.pollInterval().toMillis())) {
                    return;
                }
            }
        });
        threads.add(t);
        t.start();
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Object resolve(Object value, String where) {
        return template.resolve(value, new Template.Resolver() {
            @Override
            public String ref(String logicalId) {
                if (tables.containsKey(logicalId)) {
                    return tables.get(logicalId).name();
                }
                if (queues.containsKey(logicalId)) {
                    return queues.get(logicalId).url();
                }
                if (busNames.containsKey(logicalId)) {
                    return busNames.get(logicalId);
                }
                if (functions.containsKey(logicalId)) {
                    return functions.get(logicalId).name();
                }
                throw new TemplateException(where + ": Ref " + logicalId + " names no resource the local runtime has created"
                        + " (missing, or its Condition is false)");
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                if (tables.containsKey(logicalId)) {
                    TableInfo t = tables.get(logicalId);
                    return switch (attribute) {
                        case "StreamArn" -> {
                            if (t.streamArn() == null) {
                                throw new TemplateException(where + ": " + logicalId + ".StreamArn, but the table has no StreamSpecification");
                            }
                            yield t.streamArn();
                        }
                        case "Arn" -> t.arn();
                        default -> throw new TemplateException(where + ": attribute " + attribute + " of table " + logicalId + " is not supported");
                    };
                }
                if (queues.containsKey(logicalId)) {
                    QueueInfo q = queues.get(logicalId);
                    return switch (attribute) {
                        case "Arn" -> q.arn();
                        case "QueueName" -> q.name();
                        case "QueueUrl" -> q.url();
                        default -> throw new TemplateException(where + ": attribute " + attribute + " of queue " + logicalId + " is not supported");
                    };
                }
                if (functions.containsKey(logicalId) && attribute.equals("Arn")) {
                    return "arn:aws:lambda:" + template.region() + ":" + template.account() + ":function:" + functions.get(logicalId).name();
                }
                throw new TemplateException(where + ": Fn::GetAtt " + logicalId + "." + attribute
                        + " names no resource the local runtime has created (missing, or its Condition is false)");
            }
        }, where);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** A port given on the command line that another process holds is named before anything starts. */
    private void checkPortsFree(String host) {
        Map<String, Integer> requested = new LinkedHashMap<>();
        requested.put("--dynamodb-port", options.dynamoPort());
        requested.put("--sqs-port", options.sqsPort());
        requested.put("--api-port", options.apiPort());
        requested.forEach((option, port) -> {
            if (port == 0) {
                return;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (IOException e) {
                throw new PortInUseException("port " + port + " (" + option + ") on " + host + " is in use by another process;"
                        + " stop it or choose another port with " + option + " N");
            }
        });
    }

    /** A port of the command line is already taken. */
    public static final class PortInUseException extends RuntimeException {
        PortInUseException(String message) {
            super(message);
        }
    }

    /** Where clients reach an endpoint: the loopback address when listening on every interface. */
    private URI endpoint(int port) {
        String host = options.host();
        boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String address = any ? Options.LOOPBACK : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + address + ":" + port);
    }

    private String functionArn(LocalFunction function) {
        return "arn:aws:lambda:" + template.region() + ":" + template.account() + ":function:" + function.name();
    }

    private static final java.util.regex.Pattern SQS_ARN = java.util.regex.Pattern.compile("arn:aws[a-zA-Z-]*:sqs:[^:]*:[^:]*:([A-Za-z0-9_-]{1,80}(\\.fifo)?)");
    private static final java.util.regex.Pattern LAMBDA_ARN = java.util.regex.Pattern.compile(
            "arn:aws[a-zA-Z-]*:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9_$-]+)?");

    /**
     * What a consumer's rule can target here: a queue of the local SQS endpoint (found by the name in
     * its ARN, when an event is delivered, so a queue created after the rule works), or a function of
     * the template.
     */
    private java.util.function.Consumer<String> ruleTarget(String arn) {
        var queue = SQS_ARN.matcher(arn);
        if (queue.matches()) {
            String name = queue.group(1);
            return json -> {
                String url;
                try {
                    url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
                } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
                    throw new IllegalStateException("queue " + name + " does not exist on the local SQS endpoint " + sqsEndpoint
                            + " (create it with aws sqs create-queue); the event is dropped, as EventBridge drops it");
                }
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(json));
            };
        }
        var lambda = LAMBDA_ARN.matcher(arn);
        if (lambda.matches() && function(lambda.group(1)) != null) {
            LocalFunction function = function(lambda.group(1));
            return json -> invokeAsync(function, json);
        }
        throw AwsError.validation("Target Arn " + arn + " is not supported by the local runtime: targets here are queues of the local"
                + " SQS endpoint (arn:aws:sqs:REGION:ACCOUNT:QUEUE_NAME) and the template's functions");
    }

    /** Finds a function by logical id or physical name. */
    public LocalFunction function(String name) {
        if (functions.containsKey(name)) {
            return functions.get(name);
        }
        return functions.values().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    public int functionCount() {
        return functions.size();
    }

    public Lapse lapse(String functionLogicalId) {
        return lapses.get(functionLogicalId);
    }

    /** A function's environment variables as the template resolves them here (Globals merged in). */
    public Map<String, String> environment(String functionLogicalId) {
        return environments.get(functionLogicalId);
    }

    public String tableName(String logicalId) {
        return tables.get(logicalId).name();
    }

    public String queueUrl(String logicalId) {
        return queues.get(logicalId).url();
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

    public Duration startup() {
        return startup;
    }

    public Template template() {
        return template;
    }

    public List<String> scheduleDescriptions() {
        return schedules.stream().map(s -> s.name() + " " + s.expression() + " (" + s.zone() + ")").toList();
    }

    @Override
    public void close() {
        running.set(false);
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deliveries.shutdownNow();
        if (api != null) {
            api.close();
        }
        if (sqsServer != null) {
            // ElasticMQ's stop can hang on a busy machine; give it 5 s, its threads are daemons anyway.
            Thread stopper = new Thread(() -> {
                try {
                    sqsServer.stopAndWait();
                } catch (RuntimeException ignored) {
                    // already stopping
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
        if (dynamoServer != null) {
            try {
                dynamoServer.close();
            } catch (RuntimeException ignored) {
                // already stopping
            }
        }
    }
}
