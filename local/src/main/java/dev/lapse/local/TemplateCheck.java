package dev.lapse.local;

import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * Refuses a template the local runtime cannot honour before any server boots, in milliseconds:
 * the allow-list of {@link TemplateModel}, then every intrinsic resolved against the names and ARNs
 * each resource is planned to have, every event source's stream, queue and destination found in
 * the template, and every stream filter pattern compiled. Each refusal names the resource and property.
 */
public final class TemplateCheck {
    private TemplateCheck() {
    }

    /** Throws a {@link TemplateException} naming the first construct the local runtime cannot honour. */
    public static void check(Template template) {
        TemplateModel.validate(template);
        PhysicalIds ids = plannedIds(template);
        template.resources().forEach((id, resource) -> {
            if (!LocalResources.FUNCTION.equals(resource.get("Type"))) {
                return;
            }
            Map<String, Object> props = TemplateModel.functionProperties(template, resource);
            String where = "Resources." + id + ".Properties";
            ids.resolve(props.get("Environment"), where + ".Environment");
            AsyncInvocations.config(ids, where + ".EventInvokeConfig", props.get("EventInvokeConfig"), AsyncInvocations.LATEST);
            Template.map(props.get("Events")).forEach((eventId, event) -> checkEvent(ids, where + ".Events." + eventId, Template.map(event)));
        });
    }

    private static void checkEvent(PhysicalIds ids, String where, Map<String, Object> event) {
        Map<String, Object> p = Template.map(ids.resolve(event.get("Properties"), where + ".Properties"));
        switch (String.valueOf(event.get("Type"))) {
            case "DynamoDB" -> {
                ids.tableByStream(String.valueOf(p.get("Stream")), where);
                EventSources.onFailureDestination(p).ifPresent(arn -> ids.queueByArn(arn, where + ".DestinationConfig.OnFailure.Destination"));
                Machine filter = new Machine();
                int i = 0;
                for (String pattern : EventSources.filterPatterns(p)) {
                    StreamEventSource.addFilter(filter, where, i++, pattern);
                }
            }
            case "SQS" -> ids.queueByArn(String.valueOf(p.get("Queue")), where + ".Queue");
            default -> {
                // rules and schedules refer to nothing else of the template
            }
        }
    }

    /** The names and ARNs each resource will have once created, as DynamoDB Local and ElasticMQ give them. */
    private static PhysicalIds plannedIds(Template template) {
        PhysicalIds ids = new PhysicalIds(template);
        String region = template.region();
        String account = template.account();
        template.resources().forEach((id, resource) -> {
            Map<String, Object> props = Template.map(resource.get("Properties"));
            String where = "Resources." + id + ".Properties";
            switch (String.valueOf(resource.get("Type"))) {
                case LocalResources.BUS -> ids.bus(id, LocalResources.busName(ids, id, props));
                case LocalResources.TABLE -> {
                    String name = LocalResources.tableName(template, ids, id, props);
                    String arn = "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
                    ids.resolve(Template.map(props.get("TimeToLiveSpecification")).get("Enabled"), where + ".TimeToLiveSpecification.Enabled");
                    boolean stream = !Template.map(props.get("StreamSpecification")).isEmpty();
                    ids.table(id, new PhysicalIds.TableIds(name, null, List.of(), List.of(), stream ? arn + "/stream/planned" : null, arn));
                }
                case LocalResources.QUEUE -> {
                    String name = LocalResources.queueName(ids, id, props);
                    ids.queue(id, new PhysicalIds.QueueIds(name, "http://planned/" + account + "/" + name, "arn:aws:sqs:" + region + ":" + account + ":" + name));
                }
                default -> {
                    // functions are named below, once every queue and table is
                }
            }
        });
        template.resources().forEach((id, resource) -> {
            String type = String.valueOf(resource.get("Type"));
            Map<String, Object> props = type.equals(LocalResources.FUNCTION) ? TemplateModel.functionProperties(template, resource)
                    : Template.map(resource.get("Properties"));
            if (type.equals(LocalResources.QUEUE) && props.containsKey("RedrivePolicy")) {
                ids.resolve(props.get("RedrivePolicy"), "Resources." + id + ".Properties.RedrivePolicy");
            }
            if (type.equals(LocalResources.FUNCTION)) {
                ids.function(id, LocalResources.functionName(ids, id, props));
            }
        });
        return ids;
    }
}
