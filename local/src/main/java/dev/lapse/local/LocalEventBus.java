package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge buses: PutEvents entries become events, matched against the template's rule
 * patterns with event-ruler (the library EventBridge uses), and delivered to their targets.
 */
public final class LocalEventBus {
    private static final Logger LOG = LoggerFactory.getLogger("events");

    /** A rule's target: a function (async invoke) or anything else that takes the event JSON. */
    public record Rule(String name, String bus, String pattern, Consumer<String> target) {
    }

    private final Set<String> buses;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Consumer<JsonNode>> observers = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    /** A fault to inject: PutEvents entries matching {@code match} fail with {@code errorCode}, {@code remaining} times. */
    private static final class Fault {
        final java.util.function.Predicate<JsonNode> match;
        final String errorCode;
        final java.util.concurrent.atomic.AtomicInteger remaining;

        Fault(java.util.function.Predicate<JsonNode> match, String errorCode, int times) {
            this.match = match;
            this.errorCode = errorCode;
            this.remaining = new java.util.concurrent.atomic.AtomicInteger(times);
        }
    }

    /**
     * Failure injection for tests and the demo: the next {@code times} PutEvents entries whose
     * event (envelope with parsed detail) matches fail with {@code errorCode}, as EventBridge
     * reports a failed entry ({@code FailedEntryCount} > 0).
     */
    public void failEntries(java.util.function.Predicate<JsonNode> match, int times, String errorCode) {
        faults.add(new Fault(match, errorCode, times));
    }
    private final ExecutorService deliveries;
    private final String account;
    private final String region;

    LocalEventBus(Set<String> buses, ExecutorService deliveries, String account, String region) {
        this.buses = buses;
        this.deliveries = deliveries;
        this.account = account;
        this.region = region;
    }

    void addRule(Rule rule) {
        try {
            new Machine().addRule(rule.name(), rule.pattern());
        } catch (Exception e) {
            throw new TemplateException("Rule " + rule.name() + ": property Pattern is not a valid event pattern: " + e.getMessage(), e);
        }
        if (!buses.contains(rule.bus())) {
            throw new TemplateException("Rule " + rule.name() + ": property EventBusName names bus " + rule.bus()
                    + ", which the template does not create (buses: " + buses + ")");
        }
        rules.add(rule);
    }

    /** Sees every event put on any bus (the log, tests, demo). */
    public void observe(Consumer<JsonNode> observer) {
        observers.add(observer);
    }

    /** Handles a PutEvents request body; answers like EventBridge (FailedEntryCount + Entries). */
    public ObjectNode putEvents(JsonNode request) {
        ObjectNode answer = Json.object();
        ArrayNode results = answer.putArray("Entries");
        int failed = 0;
        JsonNode entries = request.path("Entries");
        for (JsonNode entry : entries) {
            String error = validate(entry);
            if (error != null) {
                failed++;
                results.addObject().put("ErrorCode", "InvalidArgument").put("ErrorMessage", error);
                continue;
            }
            String id = UUID.randomUUID().toString();
            ObjectNode event = Json.object();
            event.put("version", "0");
            event.put("id", id);
            event.put("detail-type", entry.get("DetailType").asText());
            event.put("source", entry.get("Source").asText());
            event.put("account", account);
            event.put("time", entry.hasNonNull("Time") ? entry.get("Time").asText() : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            event.put("region", region);
            event.set("resources", entry.has("Resources") ? entry.get("Resources") : Json.MAPPER.createArrayNode());
            event.set("detail", Json.read(entry.get("Detail").asText()));
            String injected = injectedFault(event);
            if (injected != null) {
                failed++;
                LOG.warn("injected failure {} for \"{}\" {}", injected, event.get("detail-type").asText(), abbreviate(Json.write(event.get("detail"))));
                results.addObject().put("ErrorCode", injected).put("ErrorMessage", "injected by the local runtime");
                continue;
            }
            String bus = busName(entry);
            deliver(bus, event);
            results.addObject().put("EventId", id);
        }
        answer.put("FailedEntryCount", failed);
        return answer;
    }

    /** Removes every injected fault. */
    public void clearFaults() {
        faults.clear();
    }

    private String injectedFault(JsonNode event) {
        for (Fault f : faults) {
            if (f.match.test(event) && f.remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return f.errorCode;
            }
        }
        return null;
    }

    private String validate(JsonNode entry) {
        for (String field : List.of("Source", "DetailType", "Detail")) {
            if (!entry.path(field).isTextual() || entry.get(field).asText().isEmpty()) {
                return "Parameter " + field + " is not valid. Reason: " + field + " is a required argument.";
            }
        }
        try {
            if (!Json.MAPPER.readTree(entry.get("Detail").asText()).isObject()) {
                return "Detail is malformed: not a JSON object";
            }
        } catch (Exception e) {
            return "Detail is malformed.";
        }
        String bus = busName(entry);
        if (!buses.contains(bus)) {
            return "Event bus " + bus + " does not exist.";
        }
        return null;
    }

    private static String busName(JsonNode entry) {
        String bus = entry.path("EventBusName").asText("default");
        if (bus.isEmpty()) {
            return "default";
        }
        return bus.startsWith("arn:") ? bus.substring(bus.lastIndexOf('/') + 1) : bus;
    }

    private void deliver(String bus, ObjectNode event) {
        String json = Json.write(event);
        LOG.info("event \"{}\" from {} on bus {}: {}", event.get("detail-type").asText(), event.get("source").asText(), bus,
                abbreviate(Json.write(event.get("detail"))));
        observers.forEach(o -> o.accept(event));
        for (Rule rule : rules) {
            if (!rule.bus().equals(bus)) {
                continue;
            }
            try {
                Machine machine = new Machine();
                machine.addRule(rule.name(), rule.pattern());
                if (!machine.rulesForJSONEvent(json).isEmpty()) {
                    deliveries.submit(() -> {
                        try {
                            rule.target().accept(json);
                        } catch (RuntimeException e) {
                            LOG.error("rule {} target failed: {}", rule.name(), e.toString());
                        }
                    });
                }
            } catch (Exception e) {
                LOG.error("rule {} could not be matched: {}", rule.name(), e.toString());
            }
        }
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
