package dev.lapse.local;

import static dev.lapse.local.EventsRequests.busName;
import static dev.lapse.local.EventsRequests.name;
import static dev.lapse.local.EventsRequests.page;
import static dev.lapse.local.EventsRequests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * The rules of the local buses: the template's (managed, read-only through the API) and those
 * consumers create with the EventBridge rule API (PutRule, PutTargets, RemoveTargets, DeleteRule,
 * DescribeRule, ListRules, ListTargetsByRule), answered and refused like EventBridge.
 */
public final class BusRules {
    private static final Logger LOG = LoggerFactory.getLogger("events");
    static final int MAX_TARGETS_PER_RULE = 5;
    
    /** An enabled rule as it stands when an event is matched. */
    record Enabled(String name, Machine machine, List<RuleTarget> targets) {
    }

    private static final class BusRule {
        final String name;
        final String bus;
        final boolean managed;
        String pattern;
        Machine machine;
        boolean enabled = true;
        String description;
        final Map<String, RuleTarget> targets = new LinkedHashMap<>();

        BusRule(String name, String bus, boolean managed) {
            this.name = name;
            this.bus = bus;
            this.managed = managed;
        }
    }

    private final Set<String> buses;
    private final Map<String, BusRule> rules = new LinkedHashMap<>();
    private final String account;
    private final String region;
    private volatile LocalEventBus.Targets targets = arn -> {
        throw AwsError.validation("targets are not available yet");
    };

    BusRules(Set<String> buses, String account, String region) {
        this.buses = buses;
        this.account = account;
        this.region = region;
    }

    void targets(LocalEventBus.Targets resolver) {
        this.targets = resolver;
    }

    boolean busExists(String bus) {
        return buses.contains(bus);
    }

    /** The enabled rules of a bus with their targets, copied so matching needs no lock. */
    synchronized List<Enabled> enabledOn(String bus) {
        List<Enabled> enabled = new ArrayList<>();
        for (BusRule rule : rules.values()) {
            if (rule.bus.equals(bus) && rule.enabled) {
                enabled.add(new Enabled(rule.name, rule.machine, List.copyOf(rule.targets.values())));
            }
        }
        return enabled;
    }

    /** Adds a rule of the template; an invalid pattern or a bus the template does not create is a {@link TemplateException}. */
    synchronized void addRule(LocalEventBus.Rule rule) {
        Machine machine;
        try {
            machine = machine(rule.name(), rule.pattern());
        } catch (Exception e) {
            throw new TemplateException("Rule " + rule.name() + ": property Pattern is not a valid event pattern: " + e.getMessage(), e);
        }
        if (!buses.contains(rule.bus())) {
            throw new TemplateException("Rule " + rule.name() + ": property EventBusName names bus " + rule.bus()
                    + ", which the template does not create (buses: " + buses + ")");
        }
        BusRule r = new BusRule(rule.name(), rule.bus(), true);
        r.pattern = rule.pattern();
        r.machine = machine;
        r.description = "from template.yaml";
        String id = rule.name().substring(rule.name().indexOf('.') + 1);
        r.targets.put(id, new RuleTarget(id, rule.targetArn(), null, null, rule.target()));
        rules.put(key(rule.bus(), rule.name()), r);
    }

    /** PutRule: creates or updates an event-pattern rule; answers its ARN. */
    public synchronized ObjectNode putRule(JsonNode request) {
        String name = name(request, "Name", "name");
        String bus = existingBus(request);
        if (request.hasNonNull("ScheduleExpression")) {
            throw AwsError.validation("ScheduleExpression is not supported by the local runtime: its rules match events (EventPattern);"
                    + " the template's ScheduleV2 schedules run on their own");
        }
        String pattern = text(request, "EventPattern");
        if (pattern == null) {
            throw AwsError.validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
        }
        Machine machine;
        try {
            machine = machine(name, pattern);
        } catch (Exception e) {
            throw AwsError.badRequest("InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
        }
        String state = request.path("State").asText("ENABLED");
        if (!Set.of("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS").contains(state)) {
            throw AwsError.validation("1 validation error detected: Value '" + state + "' at 'state' failed to satisfy constraint:"
                    + " Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]");
        }
        BusRule rule = rules.get(key(bus, name));
        if (rule != null && rule.managed) {
            throw managed(rule);
        }
        if (rule == null) {
            rule = new BusRule(name, bus, false);
            rules.put(key(bus, name), rule);
        }
        rule.pattern = pattern;
        rule.machine = machine;
        rule.enabled = !"DISABLED".equals(state);
        rule.description = text(request, "Description");
        LOG.info("rule {} on bus {} {}: {}", name, bus, rule.enabled ? "enabled" : "disabled", pattern);
        return Json.object().put("RuleArn", ruleArn(rule));
    }

    /** PutTargets: adds or replaces targets (by Id) of a rule. */
    public synchronized ObjectNode putTargets(JsonNode request) {
        BusRule rule = existingRule(request, "Rule");
        if (rule.managed) {
            throw managed(rule);
        }
        JsonNode list = request.get("Targets");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10) {
            throw AwsError.validation("1 validation error detected: Value at 'targets' failed to satisfy constraint:"
                    + " Member must have length between 1 and 10");
        }
        Map<String, RuleTarget> added = new LinkedHashMap<>();
        for (JsonNode t : list) {
            RuleTarget target = RuleTarget.read(t, targets::resolve);
            added.put(target.id(), target);
        }
        Map<String, RuleTarget> after = new LinkedHashMap<>(rule.targets);
        after.putAll(added);
        if (after.size() > MAX_TARGETS_PER_RULE) {
            throw AwsError.badRequest("LimitExceededException", "The requested resource exceeds the maximum number allowed: a rule has at most "
                    + MAX_TARGETS_PER_RULE + " targets (rule " + rule.name + " would have " + after.size() + ").");
        }
        rule.targets.putAll(added);
        added.values().forEach(t -> LOG.info("rule {} on bus {} -> target {} ({})", rule.name, rule.bus, t.id(), t.arn()));
        ObjectNode answer = Json.object().put("FailedEntryCount", 0);
        answer.putArray("FailedEntries");
        return answer;
    }

    /** RemoveTargets: removes targets of a rule by Id. */
    public synchronized ObjectNode removeTargets(JsonNode request) {
        BusRule rule = existingRule(request, "Rule");
        if (rule.managed) {
            throw managed(rule);
        }
        JsonNode ids = request.get("Ids");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > 100) {
            throw AwsError.validation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100");
        }
        ids.forEach(id -> rule.targets.remove(id.asText()));
        ObjectNode answer = Json.object().put("FailedEntryCount", 0);
        answer.putArray("FailedEntries");
        return answer;
    }

    /** DeleteRule: deletes a rule that has no targets left; deleting a rule that does not exist succeeds, as on AWS. */
    public synchronized ObjectNode deleteRule(JsonNode request) {
        String name = name(request, "Name", "name");
        String bus = existingBus(request);
        BusRule rule = rules.get(key(bus, name));
        if (rule == null) {
            return Json.object();
        }
        if (rule.managed) {
            throw managed(rule);
        }
        if (!rule.targets.isEmpty()) {
            throw AwsError.validation("Rule can't be deleted since it has targets: remove them first with RemoveTargets (targets: "
                    + rule.targets.keySet() + ").");
        }
        rules.remove(key(bus, name));
        return Json.object();
    }

    /** DescribeRule. */
    public synchronized ObjectNode describeRule(JsonNode request) {
        return describe(existingRule(request, "Name"));
    }

    /** ListRules: the bus's rules (the template's and those created here), by name prefix. */
    public synchronized ObjectNode listRules(JsonNode request) {
        String bus = existingBus(request);
        String prefix = request.path("NamePrefix").asText("");
        List<BusRule> found = new ArrayList<>();
        for (BusRule r : rules.values()) {
            if (r.bus.equals(bus) && r.name.startsWith(prefix)) {
                found.add(r);
            }
        }
        found.sort(java.util.Comparator.comparing(r -> r.name));
        ObjectNode answer = Json.object();
        ArrayNode list = answer.putArray("Rules");
        page(request, found, r -> list.add(describe(r)), answer);
        return answer;
    }

    /** ListTargetsByRule. */
    public synchronized ObjectNode listTargetsByRule(JsonNode request) {
        BusRule rule = existingRule(request, "Rule");
        ObjectNode answer = Json.object();
        ArrayNode list = answer.putArray("Targets");
        page(request, List.copyOf(rule.targets.values()), t -> {
            ObjectNode target = list.addObject().put("Id", t.id()).put("Arn", t.arn());
            if (t.input() != null) {
                target.put("Input", t.input());
            }
            if (t.inputPath() != null) {
                target.put("InputPath", t.inputPath());
            }
        }, answer);
        return answer;
    }

    private ObjectNode describe(BusRule r) {
        ObjectNode rule = Json.object().put("Name", r.name).put("Arn", ruleArn(r)).put("EventPattern", r.pattern)
                .put("State", r.enabled ? "ENABLED" : "DISABLED").put("EventBusName", r.bus);
        if (r.description != null) {
            rule.put("Description", r.description);
        }
        if (r.managed) {
            rule.put("ManagedBy", "template.yaml");
        }
        return rule;
    }

    private BusRule existingRule(JsonNode request, String field) {
        String name = name(request, field, field.toLowerCase(java.util.Locale.ROOT));
        String bus = existingBus(request);
        BusRule rule = rules.get(key(bus, name));
        if (rule == null) {
            throw AwsError.badRequest("ResourceNotFoundException", "Rule " + name + " does not exist on EventBus " + bus + ".");
        }
        return rule;
    }

    private String existingBus(JsonNode request) {
        String bus = busName(request.path("EventBusName").asText(""));
        if (!buses.contains(bus)) {
            throw AwsError.badRequest("ResourceNotFoundException", "Event bus " + bus + " does not exist.");
        }
        return bus;
    }

    private static AwsError managed(BusRule rule) {
        return AwsError.badRequest("ManagedRuleException", "Rule " + rule.name + " is managed by template.yaml and cannot be changed"
                + " through the API; change the template, or create your own rule with PutRule.");
    }

    private String ruleArn(BusRule rule) {
        return "arn:aws:events:" + region + ":" + account + ":rule/" + ("default".equals(rule.bus) ? "" : rule.bus + "/") + rule.name;
    }

    private static String key(String bus, String name) {
        return bus + "/" + name;
    }

    private static Machine machine(String name, String pattern) throws Exception {
        Machine machine = new Machine();
        machine.addRule(name, pattern);
        return machine;
    }

}
