package dev.lapse.scenarios.localstack;

import dev.lapse.json.Json;
import dev.lapse.local.Template;
import dev.lapse.local.TemplateException;
import dev.lapse.local.TemplateModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.eventbridge.model.CreateEventBusRequest;
import software.amazon.awssdk.services.eventbridge.model.PutRuleRequest;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsRequest;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.Filter;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigRequest;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * template.yaml turned into the SDK requests that create its resources on LocalStack, without
 * calling anything. {@link LocalStackDeployer} sends them in order (buses, tables, queues, redrive
 * policies, functions, event source mappings, rules), recording what it created in a
 * {@link DeployedResources} from which the later requests resolve their {@code Ref} and
 * {@code Fn::GetAtt}.
 *
 * <p>It is the SAM transform done by hand for what Lapse's template uses. Anything else is refused
 * here, with the resource and property named; properties that change nothing a scenario can
 * observe (IAM policies, SnapStart, aliases, encryption, backups) are accepted and listed in
 * {@link #notes()}, as are events LocalStack cannot run (ScheduleV2: its EventBridge Scheduler is
 * API-only).
 */
public final class DeploymentPlan {
    /** LocalStack does not enforce IAM by default; functions get this role, the template's Policies are not created. */
    public static final String ROLE_ARN = "arn:aws:iam::000000000000:role/lapse";

    /**
     * Of the properties {@link TemplateModel} allows (the one allow-list, shared with the local runtime), those
     * accepted with no effect on LocalStack that a scenario could observe; every other allowed property is honoured.
     */
    private static final Map<String, Set<String>> WITHOUT_EFFECT = Map.of(
            "AWS::DynamoDB::Table", Set.of("PointInTimeRecoverySpecification", "SSESpecification", "Tags", "DeletionProtectionEnabled"),
            "AWS::SQS::Queue", Set.of("SqsManagedSseEnabled", "Tags"),
            "AWS::Events::EventBus", Set.of("Tags"),
            "AWS::SQS::QueuePolicy", Set.of("Queues", "PolicyDocument"),
            "AWS::Serverless::Function", Set.of("AutoPublishAlias", "AutoPublishAliasAllProperties", "SnapStart", "Policies", "Tracing", "Tags", "LoggingConfig"));

    /** Event types that are skipped (listed in notes()), not refused. */
    private static final Map<String, String> SKIPPED_EVENTS = Map.of(
            "ScheduleV2", "LocalStack's EventBridge Scheduler stores schedules but never fires them",
            "Schedule", "scheduled rules are not deployed (no scenario needs them; the local runtime runs them)");

    public record TableSpec(String logicalId, CreateTableRequest create, Optional<UpdateTimeToLiveRequest> timeToLive) {
    }

    public record QueueSpec(String logicalId, CreateQueueRequest create) {
    }

    /** A function without its code: {@code code} is the shaded jar that CodeUri names, uploaded as ZipFile. */
    public record FunctionSpec(String logicalId, CreateFunctionRequest create, Path code,
                               Optional<PutFunctionEventInvokeConfigRequest> invokeConfig) {
    }

    public record MappingSpec(String functionId, String eventId, CreateEventSourceMappingRequest create) {
    }

    public record RuleSpec(String functionId, String eventId, PutRuleRequest rule, PutTargetsRequest targets) {
    }

    private final Template template;
    private final Path root;
    private final Map<String, Map<String, Object>> resources;
    private final List<String> notes = new ArrayList<>();

    private DeploymentPlan(Template template, Path root) {
        this.template = template;
        this.root = root;
        this.resources = template.resources();
        validate();
    }

    /** Checks the whole template up front; what cannot be deployed to LocalStack is a {@link TemplateException}. */
    public static DeploymentPlan of(Template template, Path root) {
        return new DeploymentPlan(template, root);
    }

    public Template template() {
        return template;
    }

    /** What is deployed differently from AWS, or not at all, one line each. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private void validate() {
        Set<String> noEffect = new java.util.TreeSet<>();
        resources.forEach((id, resource) -> {
            String type = String.valueOf(resource.get("Type"));
            if (!TemplateModel.resourceTypes().contains(type)) {
                throw new TemplateException("Resource " + id + ": type " + type + " is not supported by the LocalStack deployer (supported: "
                        + sorted(TemplateModel.resourceTypes(), Set.of()) + ")");
            }
            Map<String, Object> props = properties(resource);
            for (String property : props.keySet()) {
                if (!TemplateModel.propertiesOf(type).contains(property)) {
                    throw new TemplateException("Resource " + id + ": property " + property + " of " + type
                            + " is not supported by the LocalStack deployer (supported: " + sorted(TemplateModel.propertiesOf(type), Set.of()) + ")");
                }
                if (WITHOUT_EFFECT.getOrDefault(type, Set.of()).contains(property)) {
                    noEffect.add(property);
                }
            }
            switch (type) {
                case "AWS::DynamoDB::Table" -> require(id, props, "AttributeDefinitions", "KeySchema");
                case "AWS::Serverless::Function" -> {
                    require(id, props, "Handler", "Runtime", "CodeUri");
                    if (!(props.get("CodeUri") instanceof String)) {
                        throw new TemplateException("Resource " + id + ": property CodeUri must be a path to the function's jar"
                                + " (an S3 location is not supported by the LocalStack deployer)");
                    }
                    map(props.get("Events")).forEach((eventId, e) -> validateEvent(id, eventId, map(e)));
                }
                default -> {
                }
            }
        });
        Set<String> notDeployed = new java.util.TreeSet<>();
        resources.forEach((id, resource) -> {
            if (TemplateModel.ignoredLocally().contains(String.valueOf(resource.get("Type")))) {
                notDeployed.add(id);
            }
        });
        if (!notDeployed.isEmpty()) {
            notes.add("not deployed to LocalStack (CloudWatch alarms and dashboard): " + String.join(", ", notDeployed));
        }
        if (!noEffect.isEmpty()) {
            notes.add("accepted without effect on LocalStack: " + String.join(", ", noEffect)
                    + " (event sources and rules target $LATEST, not the AutoPublishAlias alias; IAM is not enforced)");
        }
    }

    private void validateEvent(String functionId, String eventId, Map<String, Object> event) {
        String type = String.valueOf(event.get("Type"));
        String where = "Resource " + functionId + ", event " + eventId;
        if (!TemplateModel.eventTypes().contains(type)) {
            throw new TemplateException(where + ": type " + type + " is not supported by the LocalStack deployer (supported: "
                    + sorted(TemplateModel.eventTypes(), Set.of()) + ")");
        }
        Set<String> allowed = TemplateModel.eventPropertiesOf(type);
        Map<String, Object> props = map(event.get("Properties"));
        for (String property : props.keySet()) {
            if (!allowed.contains(property)) {
                throw new TemplateException(where + ": property " + property + " of a " + type
                        + " event is not supported by the LocalStack deployer (supported: " + sorted(allowed, Set.of()) + ")");
            }
        }
        if (SKIPPED_EVENTS.containsKey(type)) {
            notes.add("skipped " + functionId + "." + eventId + " (" + type + "): " + SKIPPED_EVENTS.get(type));
            return;
        }
        if (type.equals("DynamoDB") && Boolean.parseBoolean(String.valueOf(props.get("BisectBatchOnFunctionError")))) {
            notes.add(functionId + "." + eventId + ": BisectBatchOnFunctionError is passed on, but LocalStack's event source mappings"
                    + " do not bisect a failing batch");
        }
    }

    // ---- what to create, in order ----

    public List<CreateEventBusRequest> eventBuses(Template.Resolver resolver) {
        List<CreateEventBusRequest> out = new ArrayList<>();
        ofType("AWS::Events::EventBus").forEach((id, r) -> out.add(CreateEventBusRequest.builder().name(busName(id, resolver)).build()));
        return out;
    }

    public String busName(String logicalId, Template.Resolver resolver) {
        return String.valueOf(resolve(properties(resources.get(logicalId)).get("Name"), resolver, where(logicalId, "Name")));
    }

    public List<TableSpec> tables(Template.Resolver resolver) {
        List<TableSpec> out = new ArrayList<>();
        ofType("AWS::DynamoDB::Table").forEach((id, r) -> {
            Map<String, Object> props = new LinkedHashMap<>(properties(r));
            props.keySet().removeAll(WITHOUT_EFFECT.get("AWS::DynamoDB::Table"));
            props = map(resolve(props, resolver, where(id, null)));
            String name = tableName(id, resolver);
            List<AttributeDefinition> attributes = new ArrayList<>();
            for (Object a : list(props.get("AttributeDefinitions"), where(id, "AttributeDefinitions"))) {
                Map<String, Object> m = map(a);
                attributes.add(AttributeDefinition.builder().attributeName(string(m.get("AttributeName")))
                        .attributeType(string(m.get("AttributeType"))).build());
            }
            List<KeySchemaElement> keys = new ArrayList<>();
            for (Object k : list(props.get("KeySchema"), where(id, "KeySchema"))) {
                Map<String, Object> m = map(k);
                keys.add(KeySchemaElement.builder().attributeName(string(m.get("AttributeName"))).keyType(string(m.get("KeyType"))).build());
            }
            CreateTableRequest.Builder create = CreateTableRequest.builder().tableName(name).attributeDefinitions(attributes).keySchema(keys)
                    .billingMode(props.containsKey("BillingMode") ? string(props.get("BillingMode")) : "PAY_PER_REQUEST");
            List<GlobalSecondaryIndex> indexes = new ArrayList<>();
            for (Object i : props.containsKey("GlobalSecondaryIndexes") ? list(props.get("GlobalSecondaryIndexes"), where(id, "GlobalSecondaryIndexes")) : List.of()) {
                Map<String, Object> index = map(i);
                List<KeySchemaElement> indexKeys = new ArrayList<>();
                for (Object k : list(index.get("KeySchema"), where(id, "GlobalSecondaryIndexes.KeySchema"))) {
                    Map<String, Object> m = map(k);
                    indexKeys.add(KeySchemaElement.builder().attributeName(string(m.get("AttributeName"))).keyType(string(m.get("KeyType"))).build());
                }
                Map<String, Object> projection = map(index.get("Projection"));
                List<String> nonKey = projection.get("NonKeyAttributes") instanceof List<?> names ? names.stream().map(String::valueOf).toList() : null;
                indexes.add(GlobalSecondaryIndex.builder().indexName(string(index.get("IndexName"))).keySchema(indexKeys)
                        .projection(pr -> pr.projectionType(string(projection.get("ProjectionType"))).nonKeyAttributes(nonKey)).build());
            }
            if (!indexes.isEmpty()) {
                create.globalSecondaryIndexes(indexes);
            }
            Map<String, Object> stream = map(props.get("StreamSpecification"));
            if (!stream.isEmpty()) {
                create.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.fromValue(string(stream.get("StreamViewType")))));
            }
            Map<String, Object> ttl = map(props.get("TimeToLiveSpecification"));
            Optional<UpdateTimeToLiveRequest> timeToLive = Optional.empty();
            if (!ttl.isEmpty() && Boolean.parseBoolean(string(ttl.get("Enabled")))) {
                timeToLive = Optional.of(UpdateTimeToLiveRequest.builder().tableName(name)
                        .timeToLiveSpecification(s -> s.attributeName(string(ttl.get("AttributeName"))).enabled(true)).build());
            }
            out.add(new TableSpec(id, create.build(), timeToLive));
        });
        return out;
    }

    public String tableName(String logicalId, Template.Resolver resolver) {
        return physicalName(logicalId, "TableName", resolver);
    }

    /** Queues without their redrive policy, which needs the dead-letter queue's ARN: see {@link #redrivePolicies}. */
    public List<QueueSpec> queues(Template.Resolver resolver) {
        List<QueueSpec> out = new ArrayList<>();
        ofType("AWS::SQS::Queue").forEach((id, r) -> {
            Map<String, Object> props = properties(r);
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            for (QueueAttributeName name : List.of(QueueAttributeName.VISIBILITY_TIMEOUT, QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                    QueueAttributeName.DELAY_SECONDS, QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS)) {
                if (props.containsKey(name.toString())) {
                    attributes.put(name, string(resolve(props.get(name.toString()), resolver, where(id, name.toString()))));
                }
            }
            out.add(new QueueSpec(id, CreateQueueRequest.builder().queueName(queueName(id, resolver)).attributes(attributes).build()));
        });
        return out;
    }

    public String queueName(String logicalId, Template.Resolver resolver) {
        return physicalName(logicalId, "QueueName", resolver);
    }

    /** RedrivePolicy attribute (JSON) by queue logical id, for the queues that have one. */
    public Map<String, String> redrivePolicies(Template.Resolver resolver) {
        Map<String, String> out = new LinkedHashMap<>();
        ofType("AWS::SQS::Queue").forEach((id, r) -> {
            Object redrive = properties(r).get("RedrivePolicy");
            if (redrive != null) {
                Map<String, Object> m = map(resolve(redrive, resolver, where(id, "RedrivePolicy")));
                out.put(id, Json.write(Json.object().put("deadLetterTargetArn", string(m.get("deadLetterTargetArn")))
                        .put("maxReceiveCount", string(m.get("maxReceiveCount")))));
            }
        });
        return out;
    }

    public List<FunctionSpec> functions(Template.Resolver resolver) {
        List<FunctionSpec> out = new ArrayList<>();
        ofType("AWS::Serverless::Function").forEach((id, r) -> {
            Map<String, Object> props = new LinkedHashMap<>(TemplateModel.functionProperties(template, r));
            props.remove("Events"); // resolved per event, once the functions exist
            props.keySet().removeAll(WITHOUT_EFFECT.get("AWS::Serverless::Function"));
            props = map(resolve(props, resolver, where(id, null)));
            Map<String, String> variables = new LinkedHashMap<>();
            map(map(props.get("Environment")).get("Variables")).forEach((k, v) -> variables.put(k, string(v)));
            CreateFunctionRequest.Builder create = CreateFunctionRequest.builder()
                    .functionName(functionName(id, resolver))
                    .runtime(Runtime.fromValue(string(props.get("Runtime"))))
                    .handler(string(props.get("Handler")))
                    .role(ROLE_ARN)
                    .environment(e -> e.variables(variables));
            if (props.containsKey("MemorySize")) {
                create.memorySize(integer(props.get("MemorySize"), where(id, "MemorySize")));
            }
            if (props.containsKey("Timeout")) {
                create.timeout(integer(props.get("Timeout"), where(id, "Timeout")));
            }
            if (props.containsKey("Description")) {
                create.description(string(props.get("Description")));
            }
            if (props.containsKey("Architectures")) {
                create.architectures(list(props.get("Architectures"), where(id, "Architectures")).stream()
                        .map(a -> Architecture.fromValue(string(a))).toList());
            }
            out.add(new FunctionSpec(id, create.build(), root.resolve(string(props.get("CodeUri"))).normalize(),
                    invokeConfig(id, map(props.get("EventInvokeConfig")), resolver)));
        });
        return out;
    }

    public String functionName(String logicalId, Template.Resolver resolver) {
        return physicalName(logicalId, "FunctionName", resolver);
    }

    private Optional<PutFunctionEventInvokeConfigRequest> invokeConfig(String id, Map<String, Object> config, Template.Resolver resolver) {
        if (config.isEmpty()) {
            return Optional.empty();
        }
        PutFunctionEventInvokeConfigRequest.Builder put = PutFunctionEventInvokeConfigRequest.builder().functionName(functionName(id, resolver));
        if (config.containsKey("MaximumRetryAttempts")) {
            put.maximumRetryAttempts(integer(config.get("MaximumRetryAttempts"), where(id, "EventInvokeConfig.MaximumRetryAttempts")));
        }
        if (config.containsKey("MaximumEventAgeInSeconds")) {
            put.maximumEventAgeInSeconds(integer(config.get("MaximumEventAgeInSeconds"), where(id, "EventInvokeConfig.MaximumEventAgeInSeconds")));
        }
        Map<String, Object> destinations = map(config.get("DestinationConfig"));
        if (!destinations.isEmpty()) {
            String onFailure = destination(destinations.get("OnFailure"), where(id, "EventInvokeConfig.DestinationConfig.OnFailure"));
            String onSuccess = destination(destinations.get("OnSuccess"), where(id, "EventInvokeConfig.DestinationConfig.OnSuccess"));
            put.destinationConfig(d -> {
                if (onFailure != null) {
                    d.onFailure(f -> f.destination(onFailure));
                }
                if (onSuccess != null) {
                    d.onSuccess(f -> f.destination(onSuccess));
                }
            });
        }
        return Optional.of(put.build());
    }

    private static String destination(Object spec, String where) {
        if (spec == null) {
            return null;
        }
        Object arn = map(spec).get("Destination");
        if (arn == null) {
            throw new TemplateException(where + ": Destination is missing (SAM would create a queue or topic for it;"
                    + " the LocalStack deployer needs the ARN of a resource of the template)");
        }
        return string(arn);
    }

    /** Lambda event source mappings for the functions' DynamoDB and SQS events. */
    public List<MappingSpec> eventSourceMappings(Template.Resolver resolver) {
        List<MappingSpec> out = new ArrayList<>();
        events(Set.of("DynamoDB", "SQS")).forEach((key, event) -> {
            String functionId = key.get(0);
            String eventId = key.get(1);
            String where = "Resources." + functionId + ".Properties.Events." + eventId + ".Properties";
            Map<String, Object> p = map(resolve(event.get("Properties"), resolver, where));
            boolean stream = "DynamoDB".equals(event.get("Type"));
            CreateEventSourceMappingRequest.Builder create = CreateEventSourceMappingRequest.builder()
                    .functionName(functionName(functionId, resolver))
                    .eventSourceArn(string(p.get(stream ? "Stream" : "Queue")));
            if (p.containsKey("BatchSize")) {
                create.batchSize(integer(p.get("BatchSize"), where + ".BatchSize"));
            }
            if (p.containsKey("MaximumBatchingWindowInSeconds")) {
                create.maximumBatchingWindowInSeconds(integer(p.get("MaximumBatchingWindowInSeconds"), where + ".MaximumBatchingWindowInSeconds"));
            }
            if (p.containsKey("Enabled")) {
                create.enabled(Boolean.parseBoolean(string(p.get("Enabled"))));
            }
            Object most = map(p.get("ScalingConfig")).get("MaximumConcurrency");
            if (most != null) {
                create.scalingConfig(c -> c.maximumConcurrency(integer(most, where + ".ScalingConfig.MaximumConcurrency")));
            }
            if (p.containsKey("FunctionResponseTypes")) {
                create.functionResponseTypes(list(p.get("FunctionResponseTypes"), where + ".FunctionResponseTypes").stream()
                        .map(t -> FunctionResponseType.fromValue(string(t))).toList());
            }
            List<Filter> filters = new ArrayList<>();
            for (Object f : list(map(p.get("FilterCriteria")).getOrDefault("Filters", List.of()), where + ".FilterCriteria.Filters")) {
                Object pattern = map(f).get("Pattern");
                filters.add(Filter.builder().pattern(pattern instanceof String s ? s : Json.write(Json.MAPPER.valueToTree(pattern))).build());
            }
            if (!filters.isEmpty()) {
                create.filterCriteria(c -> c.filters(filters));
            }
            if (stream) {
                create.startingPosition(EventSourcePosition.fromValue(string(p.getOrDefault("StartingPosition", "TRIM_HORIZON"))));
                if (p.containsKey("BisectBatchOnFunctionError")) {
                    create.bisectBatchOnFunctionError(Boolean.parseBoolean(string(p.get("BisectBatchOnFunctionError"))));
                }
                if (p.containsKey("MaximumRetryAttempts")) {
                    create.maximumRetryAttempts(integer(p.get("MaximumRetryAttempts"), where + ".MaximumRetryAttempts"));
                }
                if (p.containsKey("MaximumRecordAgeInSeconds")) {
                    create.maximumRecordAgeInSeconds(integer(p.get("MaximumRecordAgeInSeconds"), where + ".MaximumRecordAgeInSeconds"));
                }
                if (p.containsKey("ParallelizationFactor")) {
                    create.parallelizationFactor(integer(p.get("ParallelizationFactor"), where + ".ParallelizationFactor"));
                }
                String onFailure = destination(map(p.get("DestinationConfig")).get("OnFailure"), where + ".DestinationConfig.OnFailure");
                if (onFailure != null) {
                    create.destinationConfig(d -> d.onFailure(f -> f.destination(onFailure)));
                }
            }
            out.add(new MappingSpec(functionId, eventId, create.build()));
        });
        return out;
    }

    /** EventBridge rules for the functions' EventBridgeRule events, each with the function as its target. */
    public List<RuleSpec> rules(Template.Resolver resolver) {
        List<RuleSpec> out = new ArrayList<>();
        events(Set.of("EventBridgeRule")).forEach((key, event) -> {
            String functionId = key.get(0);
            String eventId = key.get(1);
            String where = "Resources." + functionId + ".Properties.Events." + eventId + ".Properties";
            Map<String, Object> p = map(resolve(event.get("Properties"), resolver, where));
            String bus = string(p.getOrDefault("EventBusName", "default"));
            String name = limit(template.stackName() + "-" + functionId + "-" + eventId, 64);
            if (!p.containsKey("Pattern")) {
                throw new TemplateException(where + ": Pattern is missing");
            }
            PutRuleRequest rule = PutRuleRequest.builder().name(name).eventBusName(bus)
                    .eventPattern(Json.write(Json.MAPPER.valueToTree(p.get("Pattern"))))
                    .state(string(p.getOrDefault("State", "ENABLED"))).build();
            Target.Builder target = Target.builder().id(limit(functionId + eventId, 64)).arn(resolver.getAtt(functionId, "Arn"));
            Map<String, Object> retry = map(p.get("RetryPolicy"));
            if (!retry.isEmpty()) {
                target.retryPolicy(r -> {
                    if (retry.containsKey("MaximumRetryAttempts")) {
                        r.maximumRetryAttempts(integer(retry.get("MaximumRetryAttempts"), where + ".RetryPolicy.MaximumRetryAttempts"));
                    }
                    if (retry.containsKey("MaximumEventAgeInSeconds")) {
                        r.maximumEventAgeInSeconds(integer(retry.get("MaximumEventAgeInSeconds"), where + ".RetryPolicy.MaximumEventAgeInSeconds"));
                    }
                });
            }
            Map<String, Object> dlq = map(p.get("DeadLetterConfig"));
            if (!dlq.isEmpty()) {
                if (!dlq.containsKey("Arn")) {
                    throw new TemplateException(where + ".DeadLetterConfig: only Arn is supported by the LocalStack deployer"
                            + " (SAM's Type: SQS, which creates a queue, is not)");
                }
                target.deadLetterConfig(d -> d.arn(string(dlq.get("Arn"))));
            }
            out.add(new RuleSpec(functionId, eventId, rule,
                    PutTargetsRequest.builder().rule(name).eventBusName(bus).targets(target.build()).build()));
        });
        return out;
    }

    // ---- helpers ----

    private Map<List<String>, Map<String, Object>> events(Set<String> types) {
        Map<List<String>, Map<String, Object>> out = new LinkedHashMap<>();
        ofType("AWS::Serverless::Function").forEach((id, r) -> map(properties(r).get("Events")).forEach((eventId, e) -> {
            Map<String, Object> event = map(e);
            if (types.contains(String.valueOf(event.get("Type")))) {
                out.put(List.of(id, eventId), event);
            }
        }));
        return out;
    }

    private Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources.forEach((id, r) -> {
            if (type.equals(r.get("Type"))) {
                out.put(id, r);
            }
        });
        return out;
    }

    private Map<String, Object> properties(Map<String, Object> resource) {
        return "AWS::Serverless::Function".equals(resource.get("Type")) ? TemplateModel.functionProperties(template, resource)
                : map(resource.get("Properties"));
    }

    private String physicalName(String logicalId, String property, Template.Resolver resolver) {
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new TemplateException("Resource " + logicalId + " is not in the template (or its Condition is false)");
        }
        Object explicit = properties(resource).get(property);
        return explicit != null ? string(resolve(explicit, resolver, where(logicalId, property))) : template.stackName() + "-" + logicalId;
    }

    private Object resolve(Object value, Template.Resolver resolver, String where) {
        try {
            return template.resolve(value, resolver, where);
        } catch (TemplateException e) {
            throw e.getMessage().startsWith(where) ? e : new TemplateException(where + ": " + e.getMessage(), e);
        }
    }

    private static String where(String logicalId, String property) {
        return "Resources." + logicalId + ".Properties" + (property == null ? "" : "." + property);
    }

    private static void require(String id, Map<String, Object> props, String... names) {
        for (String name : names) {
            if (!props.containsKey(name)) {
                throw new TemplateException("Resource " + id + ": property " + name + " is missing");
            }
        }
    }

    private static List<String> sorted(Set<String> a, Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out.stream().sorted().toList();
    }

    private static String limit(String name, int max) {
        return name.length() <= max ? name : name.substring(0, max);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    private static List<?> list(Object value, String where) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new TemplateException(where + " is " + value + ", expected a list");
    }

    private static String string(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static int integer(Object value, String where) {
        try {
            return Integer.parseInt(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " is " + value + ", expected a whole number");
        }
    }
}
