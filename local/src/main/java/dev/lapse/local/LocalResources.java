package dev.lapse.local;

import dev.lapse.Lapse;
import dev.lapse.json.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Provisions the template's resources on the local servers: event buses, DynamoDB tables (with
 * TTL and streams), SQS queues (with redrive), and the functions with their resolved environment.
 */
final class LocalResources {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-local");
    static final String TABLE = "AWS::DynamoDB::Table";
    static final String QUEUE = "AWS::SQS::Queue";
    static final String BUS = "AWS::Events::EventBus";
    static final String FUNCTION = "AWS::Serverless::Function";

    /** The clients the functions are given. */
    record Clients(DynamoDbClient dynamo, DynamoDbStreamsClient streams, SqsClient sqs, EventBridgeClient events) {
        /** Clients of the DynamoDB, SQS and API {@code endpoints}, each with {@code config} (the bench counts calls there). */
        static Clients connect(SdkHttpClient http, List<URI> endpoints, Region region, AwsCredentialsProvider credentials, FastTtl fastTtl,
                               ClientOverrideConfiguration config) {
            return new Clients(DynamoDbClient.builder().httpClient(http).endpointOverride(endpoints.get(0)).region(region)
                    .credentialsProvider(credentials).overrideConfiguration(config).build(),
                    new TtlMarkingStreamsClient(DynamoDbStreamsClient.builder().httpClient(http).endpointOverride(endpoints.get(0)).region(region)
                            .credentialsProvider(credentials).overrideConfiguration(config).build(), fastTtl),
                    SqsClient.builder().httpClient(http).endpointOverride(endpoints.get(1)).region(region)
                            .credentialsProvider(credentials).overrideConfiguration(config).build(),
                    EventBridgeClient.builder().httpClient(http).endpointOverride(endpoints.get(2)).region(region)
                            .credentialsProvider(credentials).overrideConfiguration(config).build());
        }
    }

    private final Template template;
    private final PhysicalIds ids;
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final Map<String, Lapse> lapses = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    LocalResources(Template template) {
        this.template = template;
        this.ids = new PhysicalIds(template);
    }

    PhysicalIds ids() {
        return ids;
    }

    /** Names every event bus of the template (the default bus is always there). */
    void nameBuses() {
        resourcesOf(BUS).forEach((id, props) -> ids.bus(id, busName(ids, id, props)));
    }

    /** A bus's name: its Name property. */
    static String busName(PhysicalIds ids, String id, Map<String, Object> props) {
        return String.valueOf(ids.resolve(props.get("Name"), "Resources." + id + ".Properties.Name"));
    }

    /** A table's name: its TableName, or STACK-LOGICALID as CloudFormation would derive one. */
    static String tableName(Template template, PhysicalIds ids, String id, Map<String, Object> props) {
        return props.containsKey("TableName") ? String.valueOf(ids.resolve(props.get("TableName"), "Resources." + id + ".Properties.TableName"))
                : template.stackName() + "-" + id;
    }

    /** A queue's name: its QueueName, or its logical id. */
    static String queueName(PhysicalIds ids, String id, Map<String, Object> props) {
        return props.containsKey("QueueName") ? String.valueOf(ids.resolve(props.get("QueueName"), "Resources." + id + ".QueueName")) : id;
    }

    /** A function's name: its FunctionName, or its logical id. */
    static String functionName(PhysicalIds ids, String id, Map<String, Object> props) {
        return props.containsKey("FunctionName") ? String.valueOf(ids.resolve(props.get("FunctionName"), "Resources." + id + ".Properties.FunctionName")) : id;
    }

    void createTables(DynamoDbClient dynamo, boolean ttlOff) {
        resourcesOf(TABLE).forEach((id, props) -> createTable(dynamo, id, props, ttlOff));
    }

    private void createTable(DynamoDbClient dynamo, String id, Map<String, Object> props, boolean ttlOff) {
        String where = "Resources." + id + ".Properties";
        String name = tableName(template, ids, id, props);
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
        List<GlobalSecondaryIndex> indexes = globalSecondaryIndexes(props);
        dynamo.createTable(r -> {
            r.tableName(name).attributeDefinitions(attributes).keySchema(keys).billingMode("PAY_PER_REQUEST");
            if (!indexes.isEmpty()) {
                r.globalSecondaryIndexes(indexes);
            }
            if (!stream.isEmpty()) {
                r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.fromValue(String.valueOf(stream.get("StreamViewType")))));
            }
        });
        Map<String, Object> ttl = Template.map(props.get("TimeToLiveSpecification"));
        String ttlAttribute = null;
        if (Boolean.TRUE.equals(ids.resolve(ttl.get("Enabled"), where + ".TimeToLiveSpecification.Enabled")) && !ttlOff) {
            ttlAttribute = String.valueOf(ttl.get("AttributeName"));
            String attr = ttlAttribute;
            dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.attributeName(attr).enabled(true)));
        }
        var description = dynamo.describeTable(r -> r.tableName(name)).table();
        List<String> indexKeys = description.globalSecondaryIndexes().stream()
                .flatMap(i -> i.keySchema().stream().map(KeySchemaElement::attributeName)).distinct().toList();
        ids.table(id, new PhysicalIds.TableIds(name, ttlAttribute, keyNames, indexKeys, description.latestStreamArn(), description.tableArn()));
        LOG.info("table {} ({}){}{}", id, name, ttlAttribute == null ? "" : ", TTL on " + ttlAttribute,
                stream.isEmpty() ? "" : ", stream " + stream.get("StreamViewType"));
    }

    /** The table's GlobalSecondaryIndexes: name, key schema and projection (on-demand, so no throughput). */
    private static List<GlobalSecondaryIndex> globalSecondaryIndexes(Map<String, Object> props) {
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        if (!(props.get("GlobalSecondaryIndexes") instanceof List<?> list)) {
            return indexes;
        }
        for (Object i : list) {
            Map<String, Object> index = Template.map(i);
            List<KeySchemaElement> keys = new ArrayList<>();
            for (Object k : (List<?>) index.get("KeySchema")) {
                Map<String, Object> m = Template.map(k);
                keys.add(KeySchemaElement.builder().attributeName(String.valueOf(m.get("AttributeName"))).keyType(String.valueOf(m.get("KeyType"))).build());
            }
            Map<String, Object> projection = Template.map(index.get("Projection"));
            List<String> nonKey = projection.get("NonKeyAttributes") instanceof List<?> names ? names.stream().map(String::valueOf).toList() : List.of();
            indexes.add(GlobalSecondaryIndex.builder().indexName(String.valueOf(index.get("IndexName"))).keySchema(keys)
                    .projection(p -> p.projectionType(String.valueOf(projection.getOrDefault("ProjectionType", "ALL")))
                            .nonKeyAttributes(nonKey.isEmpty() ? null : nonKey)).build());
        }
        return indexes;
    }

    void createQueues(SqsClient sqs) {
        resourcesOf(QUEUE).forEach((id, props) -> {
            String name = queueName(ids, id, props);
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
            ids.queue(id, new PhysicalIds.QueueIds(name, url, arn));
        });
        resourcesOf(QUEUE).forEach((id, props) -> {
            if (props.containsKey("RedrivePolicy")) {
                Map<String, Object> redrive = Template.map(ids.resolve(props.get("RedrivePolicy"), "Resources." + id + ".Properties.RedrivePolicy"));
                String policy = Json.write(Json.object().put("deadLetterTargetArn", String.valueOf(redrive.get("deadLetterTargetArn")))
                        .put("maxReceiveCount", String.valueOf(redrive.get("maxReceiveCount"))));
                sqs.setQueueAttributes(q -> q.queueUrl(ids.queue(id).url()).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy)));
            }
            LOG.info("queue {} ({}){}", id, ids.queue(id).url(), props.containsKey("RedrivePolicy") ? ", with redrive" : "");
        });
    }

    /** Each function of the template, reading {@code options}' clock, with its environment and the options' additions to it. */
    void createFunctions(Clients clients, RuntimeOptions options) {
        template.resources().forEach((id, resource) -> {
            if (FUNCTION.equals(resource.get("Type"))) {
                createFunction(id, TemplateModel.functionProperties(template, resource), clients, options);
            }
        });
    }

    private void createFunction(String id, Map<String, Object> props, Clients clients, RuntimeOptions options) {
        String where = "Resources." + id + ".Properties";
        Map<String, Object> env = Template.map(Template.map(ids.resolve(props.get("Environment"), where + ".Environment")).get("Variables"));
        Map<String, String> variables = new LinkedHashMap<>();
        env.forEach((k, v) -> variables.put(k, String.valueOf(v)));
        variables.putAll(options.functionEnvironment());
        Lapse lapse;
        try {
            lapse = new Lapse(Lapse.Settings.fromEnvironment(variables), clients.dynamo(), clients.events(), clients.sqs(), clients.streams(),
                    options.clock());
        } catch (RuntimeException e) {
            throw new TemplateException("Resource " + id + ": property Environment.Variables is not usable: " + e.getMessage(), e);
        }
        String name = functionName(ids, id, props);
        functions.put(id, new LocalFunction(id, name, String.valueOf(props.get("Handler")), lapse));
        ids.function(id, name);
        if (props.get("AutoPublishAlias") != null) {
            aliases.put(id, String.valueOf(ids.resolve(props.get("AutoPublishAlias"), where + ".AutoPublishAlias")));
        }
        lapses.put(id, lapse);
        environments.put(id, Collections.unmodifiableMap(variables));
    }

    /** The properties of every resource of one type, in template order. */
    private Map<String, Map<String, Object>> resourcesOf(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        template.resources().forEach((id, r) -> {
            if (type.equals(r.get("Type"))) {
                out.put(id, Template.map(r.get("Properties")));
            }
        });
        return out;
    }

    /** Finds a function by logical id or physical name. */
    LocalFunction function(String name) {
        if (functions.containsKey(name)) {
            return functions.get(name);
        }
        return functions.values().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    int functionCount() {
        return functions.size();
    }

    String alias(LocalFunction function) {
        return aliases.get(function.logicalId());
    }

    /** Every function's services. */
    java.util.Collection<Lapse> lapses() {
        return java.util.Collections.unmodifiableCollection(lapses.values());
    }

    Lapse lapse(String functionLogicalId) {
        return lapses.get(functionLogicalId);
    }

    Map<String, String> environment(String functionLogicalId) {
        return environments.get(functionLogicalId);
    }
}
