package dev.lapse.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code Ref} and {@code Fn::GetAtt} answer for each resource of the template: the names and
 * ARNs a resource is planned to have (before any server boots, to validate the template) or has
 * been given (once created). Both answer through the same rules, so a reference that is wrong is
 * refused the same way, in milliseconds, before anything starts.
 */
final class PhysicalIds {
    /** A table: its name, TTL attribute (null when off), key attribute names, stream ARN (null without a stream) and ARN. */
    record TableIds(String name, String ttlAttribute, List<String> keys, List<String> indexKeys, String streamArn, String arn) {
    }

    /** A queue: its name, URL and ARN. */
    record QueueIds(String name, String url, String arn) {
    }

    private final Template template;
    private final Map<String, TableIds> tables = new LinkedHashMap<>();
    private final Map<String, QueueIds> queues = new LinkedHashMap<>();
    private final Map<String, String> busNames = new LinkedHashMap<>();
    private final Map<String, String> functionNames = new LinkedHashMap<>();

    PhysicalIds(Template template) {
        this.template = template;
        busNames.put("default", "default");
    }

    void table(String logicalId, TableIds ids) {
        tables.put(logicalId, ids);
    }

    void queue(String logicalId, QueueIds ids) {
        queues.put(logicalId, ids);
    }

    void bus(String logicalId, String name) {
        busNames.put(logicalId, name);
    }

    void function(String logicalId, String name) {
        functionNames.put(logicalId, name);
    }

    TableIds table(String logicalId) {
        return tables.get(logicalId);
    }

    QueueIds queue(String logicalId) {
        return queues.get(logicalId);
    }

    Iterable<TableIds> tables() {
        return tables.values();
    }

    /** The physical names of every event bus, the default bus included. */
    java.util.Set<String> busNames() {
        return java.util.Set.copyOf(busNames.values());
    }

    String functionArn(String functionName) {
        return "arn:aws:lambda:" + template.region() + ":" + template.account() + ":function:" + functionName;
    }

    /** The table whose stream an event source reads; a stream of no table of the template is named. */
    TableIds tableByStream(String streamArn, String where) {
        return tables.values().stream().filter(t -> streamArn.equals(t.streamArn())).findFirst()
                .orElseThrow(() -> new TemplateException(where + ": property Stream " + streamArn + " is not the stream of a table in the template"));
    }

    /** The queue an ARN names; a queue outside the template is named. */
    QueueIds queueByArn(String arn, String where) {
        return queues.values().stream().filter(q -> q.arn().equals(arn)).findFirst()
                .orElseThrow(() -> new TemplateException(where + ": " + arn + " is not a queue of the template"));
    }

    /** A template value with its intrinsics resolved against these ids; {@code where} names it in errors. */
    Object resolve(Object value, String where) {
        return template.resolve(value, new Template.Resolver() {
            @Override
            public String ref(String logicalId) {
                return PhysicalIds.this.ref(logicalId, where);
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                return PhysicalIds.this.getAtt(logicalId, attribute, where);
            }
        }, where);
    }

    private String ref(String logicalId, String where) {
        if (tables.containsKey(logicalId)) {
            return tables.get(logicalId).name();
        }
        if (queues.containsKey(logicalId)) {
            return queues.get(logicalId).url();
        }
        if (busNames.containsKey(logicalId)) {
            return busNames.get(logicalId);
        }
        if (functionNames.containsKey(logicalId)) {
            return functionNames.get(logicalId);
        }
        throw new TemplateException(where + ": Ref " + logicalId + " names no resource the local runtime has created"
                + " (missing, or its Condition is false)");
    }

    private String getAtt(String logicalId, String attribute, String where) {
        if (tables.containsKey(logicalId)) {
            TableIds t = tables.get(logicalId);
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
            QueueIds q = queues.get(logicalId);
            return switch (attribute) {
                case "Arn" -> q.arn();
                case "QueueName" -> q.name();
                case "QueueUrl" -> q.url();
                default -> throw new TemplateException(where + ": attribute " + attribute + " of queue " + logicalId + " is not supported");
            };
        }
        if (functionNames.containsKey(logicalId) && attribute.equals("Arn")) {
            return functionArn(functionNames.get(logicalId));
        }
        throw new TemplateException(where + ": Fn::GetAtt " + logicalId + "." + attribute
                + " names no resource the local runtime has created (missing, or its Condition is false)");
    }
}
