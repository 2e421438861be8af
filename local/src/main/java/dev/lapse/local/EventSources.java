package dev.lapse.local;

import dev.lapse.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The functions' event sources, wired from the template: stream readers, queue pollers, bus rules
 * and schedules, each polled on its own daemon thread until {@link #close()}.
 */
final class EventSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-local");
    /**
     * Lambda scales SQS consumers out up to the event source's ScalingConfig.MaximumConcurrency (default: 5
     * pollers to start with); here as many concurrent pollers, at most 8: beyond that, on a few cores,
     * DynamoDB Local is the limit and more invocations at once only make each slower.
     */
    static final int SQS_POLLERS_DEFAULT = 5;
    static final int SQS_POLLERS_MAX = 8;

    /**
     * How the sources run: idle pause between polls, whether schedules fire, fast TTL, the clock schedules read, and
     * null or the period of every rate schedule ({@link RuntimeOptions#withSweepEvery}).
     */
    record Settings(Duration pollInterval, boolean schedules, FastTtl fastTtl, Clock clock, Duration rateEvery) {
    }

    private final Template template;
    private final LocalResources resources;
    private final LocalResources.Clients clients;
    private final LocalEventBus bus;
    private final AsyncInvocations async;
    private final Settings settings;
    private final List<StreamEventSource> streamSources = new ArrayList<>();
    private final List<QueueEventSource> queueSources = new ArrayList<>();
    private final List<ScheduleSource> schedules = new ArrayList<>();
    private final PollingThreads pollers = new PollingThreads(Duration.ofSeconds(2));

    EventSources(Template template, LocalResources resources, LocalResources.Clients clients, LocalEventBus bus,
                 AsyncInvocations async, Settings settings) {
        this.template = template;
        this.resources = resources;
        this.clients = clients;
        this.bus = bus;
        this.async = async;
        this.settings = settings;
    }

    /** Wires every event of every function of the template. */
    void wire() {
        template.resources().forEach((id, r) -> {
            if (LocalResources.FUNCTION.equals(r.get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, r);
                Template.map(props.get("Events")).forEach((eventId, e) -> wireEvent(id, eventId, Template.map(e)));
            }
        });
    }

    private void wireEvent(String functionId, String eventId, Map<String, Object> event) {
        String type = String.valueOf(event.get("Type"));
        String where = "Resources." + functionId + ".Properties.Events." + eventId;
        PhysicalIds ids = resources.ids();
        Map<String, Object> p = Template.map(ids.resolve(event.get("Properties"), where + ".Properties"));
        LocalFunction function = resources.function(functionId);
        String name = functionId + "." + eventId;
        switch (type) {
            case "DynamoDB" -> {
                String streamArn = String.valueOf(p.get("Stream"));
                PhysicalIds.TableIds table = ids.tableByStream(streamArn, where);
                Optional<String> onFailure = onFailureDestination(p)
                        .map(arn -> ids.queueByArn(arn, where + ".DestinationConfig.OnFailure.Destination").url());
                int retries = p.containsKey("MaximumRetryAttempts") ? Integer.parseInt(String.valueOf(p.get("MaximumRetryAttempts"))) : 10_000;
                var config = new StreamEventSource.Config(name, function, streamArn,
                        Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", 100))),
                        Boolean.parseBoolean(String.valueOf(p.getOrDefault("BisectBatchOnFunctionError", false))),
                        retries < 0 ? 10_000 : retries, onFailure, filterPatterns(p), reportsItemFailures(p),
                        Integer.parseInt(String.valueOf(p.getOrDefault("ParallelizationFactor", 1))));
                streamSources.add(new StreamEventSource(config, clients.streams(), clients.sqs(), template.region()));
                LOG.info("stream {} -> {} (batch {}, {} concurrent batches per shard, filter {})", table.name(), functionId,
                        config.batchSize(), config.parallelization(), config.filterPatterns());
            }
            case "SQS" -> {
                PhysicalIds.QueueIds queue = ids.queueByArn(String.valueOf(p.get("Queue")), where + ".Queue");
                queueSources.add(new QueueEventSource(new QueueEventSource.Config(name, function, queue.url(), queue.arn(),
                        Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", 10))), reportsItemFailures(p), pollers(p)),
                        clients.sqs(), template.region()));
                LOG.info("queue {} -> {} ({} pollers)", queue.name(), functionId, pollers(p));
            }
            case "EventBridgeRule" -> {
                String busName = String.valueOf(p.getOrDefault("EventBusName", "default"));
                String pattern = Json.write(Json.MAPPER.valueToTree(p.get("Pattern")));
                bus.addRule(new LocalEventBus.Rule(name, busName, pattern, ids.functionArn(function.name()), json -> invokeAsync(function, json)));
                LOG.info("rule {} on bus {} -> {}: {}", name, busName, functionId, pattern);
            }
            case "ScheduleV2", "Schedule" -> {
                String expression = String.valueOf(p.get("ScheduleExpression") != null ? p.get("ScheduleExpression") : p.get("Schedule"));
                String zone = p.get("ScheduleExpressionTimezone") == null ? "UTC" : String.valueOf(p.get("ScheduleExpressionTimezone"));
                String arn = "arn:aws:scheduler:" + template.region() + ":" + template.account() + ":schedule/default/"
                        + template.stackName() + "-" + eventId;
                String input = p.get("Input") == null ? null : String.valueOf(p.get("Input"));
                ScheduleSource schedule = new ScheduleSource(name, arn, expression, zone, input, settings.clock().instant(),
                        json -> invokeAsync(function, json)).withRate(settings.rateEvery());
                schedules.add(schedule);
                LOG.info("schedule {}", schedule.description());
            }
            default -> throw new TemplateException(where + ": event source type " + type + " is not supported by the local runtime"
                    + " (supported: DynamoDB, SQS, EventBridgeRule, ScheduleV2, Schedule)");
        }
    }

    /** The stream filter patterns of an event's FilterCriteria, in order. */
    static List<String> filterPatterns(Map<String, Object> eventProperties) {
        List<String> patterns = new ArrayList<>();
        for (Object f : (List<?>) Template.map(eventProperties.get("FilterCriteria")).getOrDefault("Filters", List.of())) {
            patterns.add(String.valueOf(Template.map(f).get("Pattern")));
        }
        return patterns;
    }

    /** The ARN of a stream event's DestinationConfig.OnFailure, when it has one. */
    static Optional<String> onFailureDestination(Map<String, Object> eventProperties) {
        return Optional.ofNullable(Template.map(Template.map(eventProperties.get("DestinationConfig")).get("OnFailure")).get("Destination"))
                .map(String::valueOf);
    }

    /** How many pollers stand in for Lambda's scaling on an SQS event source (see {@link #SQS_POLLERS_MAX}). */
    static int pollers(Map<String, Object> eventProperties) {
        Object most = Template.map(eventProperties.get("ScalingConfig")).get("MaximumConcurrency");
        return Math.min(SQS_POLLERS_MAX, most == null ? SQS_POLLERS_DEFAULT : Integer.parseInt(String.valueOf(most)));
    }

    private static boolean reportsItemFailures(Map<String, Object> eventProperties) {
        return String.valueOf(eventProperties.get("FunctionResponseTypes")).contains("ReportBatchItemFailures");
    }

    void invokeAsync(LocalFunction function, String json) {
        async.invoke(function, json);
    }

    List<String> scheduleDescriptions() {
        return schedules.stream().map(ScheduleSource::description).toList();
    }

    /**
     * Starts one polling thread per stream source (each shard's batches run on their own, see
     * {@link StreamEventSource}), its pollers per queue source, one for fast TTL and one per schedule.
     */
    void start() {
        for (StreamEventSource source : streamSources) {
            loop("stream-" + source.config().name(), () -> source.poll() == 0 ? StreamEventSource.IDLE_PAUSE : Duration.ZERO);
        }
        for (QueueEventSource source : queueSources) {
            PollerScaling scaling = new PollerScaling(source.config().pollers(), source.config().batchSize());
            for (int i = 0; i < source.config().pollers(); i++) {
                int index = i;
                loop("sqs-" + source.config().name() + "-" + i, () -> scaling.turn(index, () -> source.poll(1), settings.pollInterval()));
            }
        }
        FastTtl fastTtl = settings.fastTtl();
        if (fastTtl.enabled()) {
            loop("fast-ttl", () -> {
                int deleted = 0;
                Duration scanned = Duration.ZERO;
                for (PhysicalIds.TableIds t : resources.ids().tables()) {
                    if (t.ttlAttribute() != null && t.streamArn() != null) {
                        FastTtl.Swept swept = fastTtl.sweep(clients.dynamo(), t.name(), t.ttlAttribute(), t.keys());
                        deleted += swept.deleted();
                        scanned = scanned.plus(swept.scanned());
                    }
                }
                return FastTtl.pauseAfter(scanned, deleted > 0, settings.pollInterval());
            });
        } else {
            pollers.start(LocalRuntime.daemon("lapse-ttl-gap").newThread(() -> {
                while (pollers.running() && sleep(FastTtl.GAP_INTERVAL.toMillis())) {
                    for (PhysicalIds.TableIds t : resources.ids().tables()) {
                        if (t.ttlAttribute() != null && t.streamArn() != null) {
                            try {
                                fastTtl.fillGap(clients.dynamo(), t.name(), t.ttlAttribute(), t.keys(), t.indexKeys());
                            } catch (RuntimeException e) {
                                LOG.warn("ttl-gap: {}", e.toString());
                            }
                        }
                    }
                }
            }));
        }
        if (settings.schedules()) {
            schedules.forEach(this::fireOnTime);
        }
    }

    private void fireOnTime(ScheduleSource schedule) {
        Clock clock = settings.clock();
        pollers.start(LocalRuntime.daemon("schedule-" + schedule.name()).newThread(() -> {
            Instant after = clock.instant();
            while (pollers.running()) {
                Optional<Instant> next = schedule.nextAfter(after);
                if (next.isEmpty()) {
                    return;
                }
                long wait = Duration.between(clock.instant(), next.get()).toMillis();
                if (wait > 0 && !sleep(Math.min(wait, 500))) {
                    return;
                }
                if (!clock.instant().isBefore(next.get())) {
                    LOG.info("schedule {} fires for {}", schedule.name(), next.get());
                    schedule.fire(next.get());
                    after = next.get();
                }
            }
        }));
    }

    private interface Step {
        /** Does one step; returns how long to wait before the next (zero: at once). */
        Duration run();
    }

    /** A polling thread: runs {@code step} while the runtime runs, waiting what it asks; a failed step waits the poll interval. */
    private void loop(String name, Step step) {
        pollers.start(LocalRuntime.daemon("lapse-" + name).newThread(() -> {
            while (pollers.running()) {
                Duration pause;
                try {
                    pause = step.run();
                } catch (RuntimeException e) {
                    if (!pollers.running()) {
                        return;
                    }
                    LOG.warn("{} loop: {}", name, e.toString());
                    pause = settings.pollInterval();
                }
                if (pause.compareTo(Duration.ZERO) > 0 && !sleep(pause.toMillis())) {
                    return;
                }
            }
        }));
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops every polling thread, waiting up to 2 s for each. */
    @Override
    public void close() {
        pollers.close();
    }
}
