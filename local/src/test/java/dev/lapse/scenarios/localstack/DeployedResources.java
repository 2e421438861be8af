package dev.lapse.scenarios.localstack;

import dev.lapse.local.Template;
import dev.lapse.local.TemplateException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What has been created so far for each logical id of the template: physical names, URLs and
 * ARNs. It answers the template's {@code Ref} and {@code Fn::GetAtt} the way CloudFormation would
 * (Ref of a table is its name, of a queue its URL, of a function its name).
 */
public final class DeployedResources implements Template.Resolver {
    public record Table(String name, String arn, String streamArn) {
    }

    public record Queue(String name, String url, String arn) {
    }

    public record Function(String name, String arn) {
    }

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final Map<String, String> buses = new LinkedHashMap<>();

    public DeployedResources table(String logicalId, String name, String arn, String streamArn) {
        tables.put(logicalId, new Table(name, arn, streamArn));
        return this;
    }

    public DeployedResources queue(String logicalId, String name, String url, String arn) {
        queues.put(logicalId, new Queue(name, url, arn));
        return this;
    }

    public DeployedResources function(String logicalId, String name, String arn) {
        functions.put(logicalId, new Function(name, arn));
        return this;
    }

    public DeployedResources bus(String logicalId, String name) {
        buses.put(logicalId, name);
        return this;
    }

    public Table table(String logicalId) {
        return find(tables, logicalId, "table");
    }

    public Queue queue(String logicalId) {
        return find(queues, logicalId, "queue");
    }

    public Function function(String logicalId) {
        return find(functions, logicalId, "function");
    }

    public Map<String, Table> tables() {
        return Map.copyOf(tables);
    }

    private static <T> T find(Map<String, T> map, String logicalId, String kind) {
        T value = map.get(logicalId);
        if (value == null) {
            throw new IllegalArgumentException("no " + kind + " " + logicalId + " was deployed (deployed: " + map.keySet() + ")");
        }
        return value;
    }

    @Override
    public String ref(String logicalId) {
        if (tables.containsKey(logicalId)) {
            return tables.get(logicalId).name();
        }
        if (queues.containsKey(logicalId)) {
            return queues.get(logicalId).url();
        }
        if (functions.containsKey(logicalId)) {
            return functions.get(logicalId).name();
        }
        if (buses.containsKey(logicalId)) {
            return buses.get(logicalId);
        }
        throw new TemplateException("Ref " + logicalId + " names no resource deployed to LocalStack (missing, its Condition is false,"
                + " or it is not created before the resource that refers to it)");
    }

    @Override
    public String getAtt(String logicalId, String attribute) {
        if (tables.containsKey(logicalId)) {
            Table t = tables.get(logicalId);
            return switch (attribute) {
                case "Arn" -> t.arn();
                case "StreamArn" -> {
                    if (t.streamArn() == null) {
                        throw new TemplateException("Fn::GetAtt " + logicalId + ".StreamArn, but the table has no StreamSpecification");
                    }
                    yield t.streamArn();
                }
                default -> throw unsupported(logicalId, attribute, "Arn, StreamArn");
            };
        }
        if (queues.containsKey(logicalId)) {
            Queue q = queues.get(logicalId);
            return switch (attribute) {
                case "Arn" -> q.arn();
                case "QueueName" -> q.name();
                case "QueueUrl" -> q.url();
                default -> throw unsupported(logicalId, attribute, "Arn, QueueName, QueueUrl");
            };
        }
        if (functions.containsKey(logicalId)) {
            if (attribute.equals("Arn")) {
                return functions.get(logicalId).arn();
            }
            throw unsupported(logicalId, attribute, "Arn");
        }
        throw new TemplateException("Fn::GetAtt " + logicalId + "." + attribute + " names no resource deployed to LocalStack"
                + " (missing, its Condition is false, or it is not created before the resource that refers to it)");
    }

    private static TemplateException unsupported(String logicalId, String attribute, String supported) {
        return new TemplateException("Fn::GetAtt " + logicalId + "." + attribute + ": attribute " + attribute
                + " is not supported by the LocalStack deployer (supported: " + supported + ")");
    }
}
