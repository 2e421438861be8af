package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge buses: PutEvents entries become events, matched with event-ruler (the library
 * EventBridge uses) against the {@link BusRules} and delivered to their targets.
 */
public final class LocalEventBus {
    private static final Logger LOG = LoggerFactory.getLogger("events");

    /** A rule of template.yaml: its pattern and its one target (a function). */
    public record Rule(String name, String bus, String pattern, String targetArn, Consumer<String> target) {
    }

    /** Turns a target's ARN into a delivery; refuses (with an {@link AwsError}) what the local runtime cannot deliver to. */
    interface Targets {
        Consumer<String> resolve(String arn);
    }

    /** A fault to inject: PutEvents entries matching {@code match} fail with {@code errorCode}, {@code remaining} times. */
    private record Fault(Predicate<JsonNode> match, String errorCode, AtomicInteger remaining) {
    }

    private final BusRules rules;
    private final List<Consumer<JsonNode>> observers = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final ExecutorService deliveries;
    private final String account;
    private final String region;

    LocalEventBus(Set<String> buses, ExecutorService deliveries, String account, String region) {
        this.rules = new BusRules(buses, account, region);
        this.deliveries = deliveries;
        this.account = account;
        this.region = region;
    }

    /** The rules of the buses and the EventBridge rule API. */
    public BusRules rules() {
        return rules;
    }

    void targets(Targets resolver) {
        rules.targets(resolver);
    }

    void addRule(Rule rule) {
        rules.addRule(rule);
    }

    /**
     * Failure injection for tests: the next {@code times} PutEvents entries whose
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

    /** Handles a PutEvents request body; answers like EventBridge (FailedEntryCount + Entries). */
    public ObjectNode putEvents(JsonNode request) {
        JsonNode entries = PutEventsEntries.checkRequest(request);
        ObjectNode answer = Json.object();
        ArrayNode results = answer.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String[] error = PutEventsEntries.validate(entry, rules::busExists);
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
            event.put("time", PutEventsEntries.eventTime(entry.get("Time")).toString());
            event.put("region", region);
            event.set("resources", entry.has("Resources") && !entry.get("Resources").isNull() ? entry.get("Resources") : Json.MAPPER.createArrayNode());
            event.set("detail", PutEventsEntries.detail(entry.get("Detail").asText()));
            String injected = injectedFault(event);
            if (injected != null) {
                failed++;
                LOG.warn("injected failure {} for \"{}\" {}", injected, event.get("detail-type").asText(), abbreviate(Json.write(event.get("detail"))));
                results.addObject().put("ErrorCode", injected).put("ErrorMessage", "injected by the local runtime");
                continue;
            }
            deliver(EventsRequests.busName(entry.path("EventBusName").asText("")), event);
            results.addObject().put("EventId", id);
        }
        answer.put("FailedEntryCount", failed);
        return answer;
    }

    private String injectedFault(JsonNode event) {
        for (Fault f : faults) {
            if (f.match().test(event) && f.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return f.errorCode();
            }
        }
        return null;
    }

    private void deliver(String bus, ObjectNode event) {
        String json = Json.write(event);
        LOG.info("event \"{}\" from {} on bus {}: {}", event.get("detail-type").asText(), event.get("source").asText(), bus,
                abbreviate(Json.write(event.get("detail"))));
        observers.forEach(o -> o.accept(event));
        for (BusRules.Enabled rule : rules.enabledOn(bus)) {
            try {
                if (rule.machine().rulesForJSONEvent(json).isEmpty()) {
                    continue;
                }
            } catch (Exception e) {
                LOG.error("rule {} could not be matched: {}", rule.name(), e.toString());
                continue;
            }
            for (RuleTarget target : rule.targets()) {
                deliveries.submit(() -> {
                    try {
                        target.deliver().accept(target.input(event, json));
                    } catch (RuntimeException e) {
                        LOG.error("rule {} target {} ({}) failed: {}", rule.name(), target.id(), target.arn(), e.toString());
                    }
                });
            }
        }
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
