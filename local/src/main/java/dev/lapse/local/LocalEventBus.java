package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge buses: PutEvents entries become events, matched with event-ruler (the library
 * EventBridge uses) against the template's rules and the rules consumers create with PutRule,
 * and delivered to their targets. The operations answer and refuse like EventBridge.
 */
public final class LocalEventBus {
    private static final Logger LOG = LoggerFactory.getLogger("events");
    /** EventBridge's limits: entries per PutEvents, bytes per request, targets per rule. */
    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    static final int MAX_TARGETS_PER_RULE = 5;
    private static final Pattern NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");
    private static final Pattern INPUT_PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_\\-]+)*");

    /** A rule of template.yaml: its pattern and its one target (a function). */
    public record Rule(String name, String bus, String pattern, String targetArn, Consumer<String> target) {
    }

    /** Turns a target's ARN into a delivery; refuses (with an {@link AwsError}) what the local runtime cannot deliver to. */
    interface Targets {
        Consumer<String> resolve(String arn);
    }

    private record Target(String id, String arn, String input, String inputPath, Consumer<String> deliver) {
    }

    private static final class BusRule {
        final String name;
        final String bus;
        final boolean managed;
        String pattern;
        Machine machine;
        boolean enabled = true;
        String description;
        final Map<String, Target> targets = new LinkedHashMap<>();

        BusRule(String name, String bus, boolean managed) {
            this.name = name;
            this.bus = bus;
            this.managed = managed;
        }
    }

    /** A fault to inject: PutEvents entries matching {@code match} fail with {@code errorCode}, {@code remaining} times. */
    private record Fault(Predicate<JsonNode> match, String errorCode, AtomicInteger remaining) {
    }

    private final Set<String> buses;
    private final Map<String, BusRule> rules = new LinkedHashMap<>();
    private final List<Consumer<JsonNode>> observers = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final ExecutorService deliveries;
    private final String account;
    private final String region;
    private volatile Targets targets = arn -> {
        throw AwsError.validation("targets are not available yet");
    };

    LocalEventBus(Set<String> buses, ExecutorService deliveries, String account, String region) {
        this.buses = buses;
        this.deliveries = deliveries;
        this.account = account;
        this.region = region;
    }

    void targets(Targets resolver) {
        this.targets = resolver;
    }

    /**
     * Failure injection for tests and the demo: the next {@code times} PutEvents entries whose
     * event (envelope with parsed detail) matches fail with {@code errorCode}, as EventBridge
     * reports a failed entry ({@code FailedEntryCount} > 0).
     */
    public void failEntries(Predicate<JsonNode> match, int times, String errorCode) {
        faults.add(new Fault(match, errorCode, new AtomicInteger(times)));
    }

    /** Removes every injected fault. */
    public void clearFaults() {
        faults.clear();
    }

    /** Sees every event put on any bus (the log, tests, demo). */
    public void observe(Consumer<JsonNode> observer) {
        observers.add(observer);
    }

    synchronized void addRule(Rule rule) {
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
        r.targets.put(id, new Target(id, rule.targetArn(), null, null, rule.target()));
        rules.put(key(rule.bus(), rule.name()), r);
    }

    // ---------------------------------------------------------------- PutEvents

    /** Handles a PutEvents request body; answers like EventBridge (FailedEntryCount + Entries). */
    public ObjectNode putEvents(JsonNode request) {
        JsonNode entries = request.get("Entries");
        if (entries == null || entries.isNull()) {
            throw AwsError.validation("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
        }
        if (!entries.isArray()) {
            throw AwsError.badRequest("SerializationException", "Entries must be a list of PutEventsRequestEntry, not " + entries.getNodeType());
        }
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw AwsError.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length "
                    + (entries.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_ENTRIES)
                    + " (this request has " + entries.size() + " entries; send at most " + MAX_ENTRIES + " per PutEvents call)");
        }
        long size = 0;
        for (JsonNode entry : entries) {
            checkShape(entry);
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw AwsError.validation("Total size of the entries in the request is over the limit: " + size + " bytes, limit "
                    + MAX_REQUEST_BYTES + " bytes (256 KB), counted as EventBridge does (Time, Source, DetailType, Detail, Resources)");
        }
        ObjectNode answer = Json.object();
        ArrayNode results = answer.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String[] error = validate(entry);
            if (error != null) {
                failed++;
                results.addObject().put("ErrorCode", error[0]).put("ErrorMessage", error[1]);
                continue;
            }
            String id = UUID.randomUUID().toString();
            ObjectNode event = Json.object();
            event.put("version", "0");
            event.put("id", id);
            event.put("detail-type", entry.get("DetailType").asText());
            event.put("source", entry.get("Source").asText());
            event.put("account", account);
            event.put("time", eventTime(entry.get("Time")).toString());
            event.put("region", region);
            event.set("resources", entry.has("Resources") && !entry.get("Resources").isNull() ? entry.get("Resources") : Json.MAPPER.createArrayNode());
            event.set("detail", Json.read(entry.get("Detail").asText()));
            String injected = injectedFault(event);
            if (injected != null) {
                failed++;
                LOG.warn("injected failure {} for \"{}\" {}", injected, event.get("detail-type").asText(), abbreviate(Json.write(event.get("detail"))));
                results.addObject().put("ErrorCode", injected).put("ErrorMessage", "injected by the local runtime");
                continue;
            }
            deliver(busName(entry.path("EventBusName").asText("")), event);
            results.addObject().put("EventId", id);
        }
        answer.put("FailedEntryCount", failed);
        return answer;
    }

    /** Types the AWS JSON protocol would not deserialize fail the whole request, as they do on AWS. */
    private static void checkShape(JsonNode entry) {
        if (!entry.isObject()) {
            throw AwsError.badRequest("SerializationException", "each of Entries must be a PutEventsRequestEntry object, not " + entry.getNodeType());
        }
        for (String field : List.of("Source", "DetailType", "Detail", "EventBusName", "TraceHeader")) {
            JsonNode value = entry.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw AwsError.badRequest("SerializationException", "Entries[]." + field + " must be a string, not " + value.getNodeType());
            }
        }
        JsonNode resources = entry.get("Resources");
        if (resources != null && !resources.isNull() && (!resources.isArray() || !allText(resources))) {
            throw AwsError.badRequest("SerializationException", "Entries[].Resources must be a list of strings");
        }
        JsonNode time = entry.get("Time");
        if (time != null && !time.isNull() && !time.isNumber() && !time.isTextual()) {
            throw AwsError.badRequest("SerializationException", "Entries[].Time must be a timestamp (epoch seconds), not " + time.getNodeType());
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** EventBridge's entry size: 14 bytes for Time when set, and the UTF-8 bytes of the other fields. */
    private static long entrySize(JsonNode entry) {
        long size = entry.hasNonNull("Time") ? 14 : 0;
        for (String field : List.of("Source", "DetailType", "Detail")) {
            size += entry.path(field).asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        for (JsonNode r : entry.path("Resources")) {
            size += r.asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /**
     * An entry's {@code Time}: the SDKs and the CLI send epoch seconds, whole or fractional (the
     * AWS JSON protocol's timestamp format); an ISO-8601 string is accepted too. The event's
     * {@code time} has whole seconds, like EventBridge's. Absent: the time of the call.
     */
    private static Instant eventTime(JsonNode time) {
        if (time == null || time.isNull()) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        if (time.isNumber()) {
            return Instant.ofEpochSecond(time.decimalValue().setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
        }
        String text = time.asText();
        if (text.matches("-?\\d+(\\.\\d+)?")) {
            return Instant.ofEpochSecond(new BigDecimal(text).setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
        }
        return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS);
    }

    private String injectedFault(JsonNode event) {
        for (Fault f : faults) {
            if (f.match().test(event) && f.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return f.errorCode();
            }
        }
        return null;
    }

    /** A failed entry's error code and message, as EventBridge reports them; null when the entry is good. */
    private String[] validate(JsonNode entry) {
        for (String field : List.of("Source", "DetailType", "Detail")) {
            if (!entry.path(field).isTextual() || entry.get(field).asText().isEmpty()) {
                return new String[]{"InvalidArgument", "Parameter " + field + " is not valid. Reason: " + field + " is a required argument."};
            }
        }
        if (entry.get("Source").asText().startsWith("aws.")) {
            return new String[]{"NotAuthorizedForSourceException", "Not authorized for the source. Sources starting with \"aws.\" are"
                    + " reserved for AWS services; use your own, e.g. com.example.billing"};
        }
        try {
            eventTime(entry.get("Time"));
        } catch (DateTimeParseException | ArithmeticException e) {
            return new String[]{"InvalidArgument", "Parameter Time is not valid. Reason: " + entry.get("Time").asText()
                    + " is neither epoch seconds nor an ISO-8601 instant."};
        }
        try {
            if (!Json.MAPPER.readTree(entry.get("Detail").asText()).isObject()) {
                return new String[]{"MalformedDetail", "Detail is malformed: it must be a JSON object."};
            }
        } catch (Exception e) {
            return new String[]{"MalformedDetail", "Detail is malformed: it is not valid JSON."};
        }
        String bus = busName(entry.path("EventBusName").asText(""));
        if (!buses.contains(bus)) {
            return new String[]{"InvalidArgument", "Event bus " + bus + " does not exist."};
        }
        return null;
    }

    // ---------------------------------------------------------------- rules and targets

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
        Map<String, Target> added = new LinkedHashMap<>();
        for (JsonNode t : list) {
            String id = name(t, "Id", "targets.member.id");
            String arn = text(t, "Arn");
            if (arn == null) {
                throw AwsError.validation("1 validation error detected: Value null at 'targets.member.arn' failed to satisfy constraint: Member must not be null");
            }
            String input = text(t, "Input");
            String inputPath = text(t, "InputPath");
            int transforms = (input == null ? 0 : 1) + (inputPath == null ? 0 : 1) + (t.hasNonNull("InputTransformer") ? 1 : 0);
            if (transforms > 1) {
                throw AwsError.validation("Target " + id + ": only one of Input, InputPath, or InputTransformer can be specified.");
            }
            if (t.hasNonNull("InputTransformer")) {
                throw AwsError.validation("Target " + id + ": InputTransformer is not supported by the local runtime (Input and InputPath are)");
            }
            if (input != null) {
                try {
                    Json.MAPPER.readTree(input);
                } catch (Exception e) {
                    throw AwsError.validation("Target " + id + ": Input is not valid JSON text.");
                }
            }
            if (inputPath != null && !INPUT_PATH.matcher(inputPath).matches()) {
                throw AwsError.validation("Target " + id + ": InputPath " + inputPath + " is not supported by the local runtime"
                        + " (supported: a JSONPath of field names, such as $.detail or $.detail.payload)");
            }
            added.put(id, new Target(id, arn, input, inputPath, targets.resolve(arn)));
        }
        Map<String, Target> after = new LinkedHashMap<>(rule.targets);
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

    private static <T> void page(JsonNode request, List<T> items, Consumer<T> add, ObjectNode answer) {
        int limit = request.path("Limit").asInt(100);
        if (limit < 1 || limit > 100) {
            throw AwsError.validation("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint: Member must be between 1 and 100");
        }
        int from = 0;
        if (request.hasNonNull("NextToken")) {
            try {
                from = Integer.parseInt(request.get("NextToken").asText());
            } catch (NumberFormatException e) {
                throw AwsError.validation("The NextToken is not valid: pass the NextToken of the previous answer.");
            }
        }
        int to = Math.min(items.size(), from + limit);
        for (int i = from; i < to; i++) {
            add.accept(items.get(i));
        }
        if (to < items.size()) {
            answer.put("NextToken", Integer.toString(to));
        }
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

    private static String name(JsonNode request, String field, String wireName) {
        String value = text(request, field);
        if (value == null) {
            throw AwsError.validation("1 validation error detected: Value null at '" + wireName + "' failed to satisfy constraint: Member must not be null");
        }
        if (!NAME.matcher(value).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + value + "' at '" + wireName + "' failed to satisfy constraint:"
                    + " Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64");
        }
        return value;
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw AwsError.badRequest("SerializationException", field + " must be a string, not " + value.getNodeType());
        }
        return value.asText();
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

    private static String busName(String bus) {
        if (bus.isEmpty()) {
            return "default";
        }
        return bus.startsWith("arn:") ? bus.substring(bus.lastIndexOf('/') + 1) : bus;
    }

    // ---------------------------------------------------------------- delivery

    private void deliver(String bus, ObjectNode event) {
        String json = Json.write(event);
        LOG.info("event \"{}\" from {} on bus {}: {}", event.get("detail-type").asText(), event.get("source").asText(), bus,
                abbreviate(Json.write(event.get("detail"))));
        observers.forEach(o -> o.accept(event));
        record Snapshot(String name, Machine machine, List<Target> targets) {
        }
        List<Snapshot> enabled = new ArrayList<>();
        synchronized (this) {
            for (BusRule rule : rules.values()) {
                if (rule.bus.equals(bus) && rule.enabled) {
                    enabled.add(new Snapshot(rule.name, rule.machine, List.copyOf(rule.targets.values())));
                }
            }
        }
        for (Snapshot rule : enabled) {
            try {
                if (rule.machine().rulesForJSONEvent(json).isEmpty()) {
                    continue;
                }
            } catch (Exception e) {
                LOG.error("rule {} could not be matched: {}", rule.name(), e.toString());
                continue;
            }
            for (Target target : rule.targets()) {
                deliveries.submit(() -> {
                    try {
                        target.deliver().accept(input(target, event, json));
                    } catch (RuntimeException e) {
                        LOG.error("rule {} target {} ({}) failed: {}", rule.name(), target.id(), target.arn(), e.toString());
                    }
                });
            }
        }
    }

    /** What a target receives: the event, its constant Input, or the part InputPath selects. */
    private static String input(Target target, JsonNode event, String json) {
        if (target.input() != null) {
            return target.input();
        }
        if (target.inputPath() == null || target.inputPath().equals("$")) {
            return json;
        }
        JsonNode node = event;
        for (String field : target.inputPath().substring(2).split("\\.")) {
            node = node.path(field);
        }
        return node.isMissingNode() ? "null" : Json.write(node);
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
