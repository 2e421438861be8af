package dev.lapse.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the local runtime honours of a SAM template. Everything else is refused at startup with
 * the resource and property named, rather than silently ignored. Properties listed as "no local
 * effect" (IAM policies, SnapStart, memory, encryption, ...) are accepted: they change nothing a
 * job can observe on one machine.
 */
public final class TemplateModel {
    static final String ALARM = "AWS::CloudWatch::Alarm";
    static final String DASHBOARD = "AWS::CloudWatch::Dashboard";
    /**
     * Allowed, and not created locally (nor by the LocalStack deployer): CloudWatch watches what AWS measures, and
     * on one machine the metrics are the runtime's own ({@code GET /metrics}). Their properties are checked all the same.
     */
    private static final Set<String> IGNORED_LOCALLY = Set.of(ALARM, DASHBOARD);

    private static final Map<String, Set<String>> RESOURCE_PROPERTIES = Map.of(
            "AWS::DynamoDB::Table", Set.of("TableName", "BillingMode", "AttributeDefinitions", "KeySchema", "TimeToLiveSpecification",
                    "StreamSpecification", "PointInTimeRecoverySpecification", "SSESpecification", "Tags", "DeletionProtectionEnabled",
                    "GlobalSecondaryIndexes"),
            "AWS::SQS::Queue", Set.of("QueueName", "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "RedrivePolicy",
                    "SqsManagedSseEnabled", "ReceiveMessageWaitTimeSeconds", "Tags"),
            "AWS::Events::EventBus", Set.of("Name", "Tags"),
            "AWS::SQS::QueuePolicy", Set.of("Queues", "PolicyDocument"),
            "AWS::Serverless::Function", Set.of("CodeUri", "Handler", "Runtime", "Architectures", "MemorySize", "Timeout",
                    "AutoPublishAlias", "AutoPublishAliasAllProperties", "SnapStart", "Environment", "Policies", "Description", "EventInvokeConfig", "Events",
                    "FunctionName", "Tracing", "Tags", "LoggingConfig"),
            ALARM, Set.of("AlarmName", "AlarmDescription", "Namespace", "MetricName", "Dimensions", "Statistic", "ExtendedStatistic",
                    "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData", "Unit",
                    "AlarmActions", "OKActions", "InsufficientDataActions", "ActionsEnabled", "Metrics"),
            DASHBOARD, Set.of("DashboardName", "DashboardBody"));

    private static final Map<String, Set<String>> EVENT_PROPERTIES = Map.of(
            "DynamoDB", Set.of("Stream", "StartingPosition", "BatchSize", "MaximumBatchingWindowInSeconds", "BisectBatchOnFunctionError",
                    "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "FunctionResponseTypes", "DestinationConfig", "FilterCriteria",
                    "Enabled", "ParallelizationFactor"),
            "SQS", Set.of("Queue", "BatchSize", "FunctionResponseTypes", "MaximumBatchingWindowInSeconds", "Enabled", "ScalingConfig"),
            "EventBridgeRule", Set.of("EventBusName", "Pattern", "RetryPolicy", "DeadLetterConfig", "State"),
            "ScheduleV2", Set.of("ScheduleExpression", "ScheduleExpressionTimezone", "Input", "RetryPolicy", "DeadLetterConfig",
                    "Description", "State", "Name", "OmitName", "FlexibleTimeWindow"),
            "Schedule", Set.of("Schedule", "Input", "Description", "Enabled", "Name", "State"));

    private TemplateModel() {
    }

    /**
     * The resource types a Lapse template may hold: the one allow-list of the local runtime and of the
     * LocalStack deployment plan (which may honour fewer of their properties, but accepts no other).
     */
    public static Set<String> resourceTypes() {
        return RESOURCE_PROPERTIES.keySet();
    }

    /** The allowed resource types that nothing creates locally (see {@link #IGNORED_LOCALLY}). */
    public static Set<String> ignoredLocally() {
        return IGNORED_LOCALLY;
    }

    /** How many resources of each type the local runtime does not create, in {@code template}; empty if none. */
    static java.util.Optional<Map<String, Long>> ignoredIn(Template template) {
        Map<String, Long> ignored = new java.util.TreeMap<>();
        template.resources().values().stream().map(r -> String.valueOf(r.get("Type"))).filter(IGNORED_LOCALLY::contains)
                .forEach(type -> ignored.merge(type, 1L, Long::sum));
        return ignored.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(ignored);
    }

    /** The properties a resource of {@code type} may set; none for a type that is not allowed. */
    public static Set<String> propertiesOf(String type) {
        return RESOURCE_PROPERTIES.getOrDefault(type, Set.of());
    }

    /** The event source types a function may have. */
    public static Set<String> eventTypes() {
        return EVENT_PROPERTIES.keySet();
    }

    /** The properties an event source of {@code type} may set; none for a type that is not allowed. */
    public static Set<String> eventPropertiesOf(String type) {
        return EVENT_PROPERTIES.getOrDefault(type, Set.of());
    }

    static void validate(Template template) {
        template.resources().forEach((id, resource) -> {
            String type = String.valueOf(resource.get("Type"));
            Set<String> allowed = RESOURCE_PROPERTIES.get(type);
            if (allowed == null) {
                throw new TemplateException("Resource " + id + ": type " + type + " is not supported by the local runtime (supported: "
                        + RESOURCE_PROPERTIES.keySet().stream().sorted().toList() + ")");
            }
            Map<String, Object> props = type.equals("AWS::Serverless::Function") ? functionProperties(template, resource)
                    : Template.map(resource.get("Properties"));
            for (String property : props.keySet()) {
                if (!allowed.contains(property)) {
                    throw new TemplateException("Resource " + id + ": property " + property + " of " + type
                            + " is not supported by the local runtime (supported: " + allowed.stream().sorted().toList() + ")");
                }
            }
            if (type.equals("AWS::DynamoDB::Table")) {
                for (String required : List.of("AttributeDefinitions", "KeySchema")) {
                    if (!props.containsKey(required)) {
                        throw new TemplateException("Resource " + id + ": property " + required + " is missing");
                    }
                }
            }
            if (type.equals("AWS::Serverless::Function")) {
                if (!props.containsKey("Handler")) {
                    throw new TemplateException("Resource " + id + ": property Handler is missing");
                }
                Template.map(props.get("Events")).forEach((eventId, e) -> {
                    Map<String, Object> event = Template.map(e);
                    String eventType = String.valueOf(event.get("Type"));
                    Set<String> eventAllowed = EVENT_PROPERTIES.get(eventType);
                    String where = "Resource " + id + ", event " + eventId;
                    if (eventAllowed == null) {
                        throw new TemplateException(where + ": type " + eventType + " is not supported by the local runtime (supported: "
                                + EVENT_PROPERTIES.keySet().stream().sorted().toList() + ")");
                    }
                    for (String property : Template.map(event.get("Properties")).keySet()) {
                        if (!eventAllowed.contains(property)) {
                            throw new TemplateException(where + ": property " + property + " of a " + eventType
                                    + " event is not supported by the local runtime (supported: " + eventAllowed.stream().sorted().toList() + ")");
                        }
                    }
                });
            }
        });
    }

    /** A function's properties with SAM's Globals.Function merged in (maps merged, scalars overridden). */
    public static Map<String, Object> functionProperties(Template template, Map<String, Object> resource) {
        Map<String, Object> merged = new LinkedHashMap<>(template.functionGlobals());
        Template.map(resource.get("Properties")).forEach((k, v) -> {
            Object global = merged.get(k);
            if (global instanceof Map<?, ?> g && v instanceof Map<?, ?> own) {
                merged.put(k, mergeMaps(Template.map(g), Template.map(own)));
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    private static Map<String, Object> mergeMaps(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            if (out.get(k) instanceof Map<?, ?> b && v instanceof Map<?, ?> o) {
                out.put(k, mergeMaps(Template.map(b), Template.map(o)));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
