package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's asynchronous invocation (rules, schedules, {@code InvocationType=Event}), as each function's
 * {@code EventInvokeConfig} sets it: a failed invocation is tried again {@code MaximumRetryAttempts} times (2 unless set),
 * and then its invocation record goes to the {@code DestinationConfig.OnFailure} queue, in Lambda's record shape
 * ({@code requestContext.condition} {@code RetriesExhausted}, the request and the error). As SAM deploys it, the config
 * belongs to the function's alias ({@code AutoPublishAlias}), which rules and schedules invoke; an invocation of
 * {@code $LATEST} or of the version gets Lambda's defaults (2 retries, no destination). Lambda waits about a minute before
 * the first retry and two before the second; here {@link #RETRY_DELAY} and twice that, as fast TTL shortens TTL.
 */
final class AsyncInvocations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-local");
    /** The wait before the first retry here (before the second, twice this). */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** Lambda's default when EventInvokeConfig does not set MaximumRetryAttempts. */
    static final int DEFAULT_RETRIES = 2;
    static final String LATEST = "$LATEST";
    private static final Config DEFAULTS = new Config(DEFAULT_RETRIES, Optional.empty(), LATEST);

    /**
     * A function's EventInvokeConfig: how many times to try again, the queue its failures go to, and the qualifier it is
     * set on (the alias, or {@code $LATEST} for a function without one).
     */
    record Config(int retries, Optional<String> onFailureQueueUrl, String qualifier) {
    }

    private final Map<String, Config> configs = new HashMap<>();
    private final Map<String, String> arns = new HashMap<>();
    private final SqsClient sqs;
    private final ExecutorService deliveries;
    private final Clock clock;
    private final Duration retryDelay;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(LocalRuntime.daemon("lapse-async-retries"));
    private volatile boolean closing;

    AsyncInvocations(SqsClient sqs, ExecutorService deliveries, Clock clock, Duration retryDelay) {
        this.sqs = sqs;
        this.deliveries = deliveries;
        this.clock = clock;
        this.retryDelay = retryDelay;
    }

    /** Reads the EventInvokeConfig of every function of the template (checked before, by {@link TemplateCheck}). */
    static AsyncInvocations of(Template template, LocalResources resources, SqsClient sqs, ExecutorService deliveries, Clock clock) {
        AsyncInvocations invocations = new AsyncInvocations(sqs, deliveries, clock, RETRY_DELAY);
        PhysicalIds ids = resources.ids();
        template.resources().forEach((id, resource) -> {
            if (LocalResources.FUNCTION.equals(resource.get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, resource);
                LocalFunction function = resources.function(id);
                String alias = resources.alias(function);
                invocations.configure(id, ids.functionArn(function.name()), config(ids, "Resources." + id + ".Properties.EventInvokeConfig",
                        props.get("EventInvokeConfig"), alias == null ? LATEST : alias));
            }
        });
        return invocations;
    }

    /** A function's config from its EventInvokeConfig (none: Lambda's defaults, no destination), set on {@code qualifier}. */
    static Config config(PhysicalIds ids, String where, Object eventInvokeConfig, String qualifier) {
        Map<String, Object> c = Template.map(ids.resolve(eventInvokeConfig, where));
        allowOnly(c, where, Set.of("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig"));
        int retries = number(c, where, "MaximumRetryAttempts", 0, 2, DEFAULT_RETRIES);
        // events never wait that long here: checked, and otherwise honoured by doing nothing
        number(c, where, "MaximumEventAgeInSeconds", 60, 21_600, 21_600);
        Map<String, Object> destinations = Template.map(c.get("DestinationConfig"));
        allowOnly(destinations, where + ".DestinationConfig", Set.of("OnFailure", "OnSuccess"));
        if (destinations.containsKey("OnSuccess")) {
            throw new TemplateException(where + ".DestinationConfig.OnSuccess is not supported by the local runtime (supported: OnFailure to an SQS queue of the template)");
        }
        Map<String, Object> onFailure = Template.map(destinations.get("OnFailure"));
        if (onFailure.isEmpty()) {
            return new Config(retries, Optional.empty(), qualifier);
        }
        allowOnly(onFailure, where + ".DestinationConfig.OnFailure", Set.of("Type", "Destination"));
        if (!"SQS".equals(String.valueOf(onFailure.get("Type")))) {
            throw new TemplateException(where + ".DestinationConfig.OnFailure.Type: " + onFailure.get("Type")
                    + " is not supported by the local runtime (supported: SQS)");
        }
        String arn = String.valueOf(onFailure.get("Destination"));
        return new Config(retries, Optional.of(ids.queueByArn(arn, where + ".DestinationConfig.OnFailure.Destination").url()), qualifier);
    }

    private static void allowOnly(Map<String, Object> properties, String where, Set<String> allowed) {
        for (String key : properties.keySet()) {
            if (!allowed.contains(key)) {
                throw new TemplateException(where + "." + key + " is not supported by the local runtime (supported: "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
    }

    private static int number(Map<String, Object> properties, String where, String key, int min, int max, int fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(String.valueOf(value).strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw new TemplateException(where + "." + key + ": " + value + " is out of range; accepted: " + min + " to " + max);
    }

    void configure(String logicalId, String functionArn, Config config) {
        configs.put(logicalId, config);
        arns.put(logicalId, functionArn);
    }

    /** How rules and schedules invoke a function: its alias when it has one (as SAM wires them), else $LATEST. */
    void invoke(LocalFunction function, String event) {
        invoke(function, event, configs.getOrDefault(function.logicalId(), DEFAULTS).qualifier());
    }

    /** Invokes {@code function} ({@code qualifier}: the alias, a version or $LATEST) asynchronously, as Lambda does. */
    void invoke(LocalFunction function, String event, String qualifier) {
        Config config = configs.getOrDefault(function.logicalId(), DEFAULTS);
        Config applied = config.qualifier().equals(qualifier) ? config : new Config(DEFAULT_RETRIES, Optional.empty(), qualifier);
        deliveries.submit(() -> attempt(function, event, applied, 1));
    }

    private void attempt(LocalFunction function, String event, Config config, int attempt) {
        try {
            function.invoke(event);
        } catch (Throwable e) {
            if (closing) {
                return; // the runtime is closing: the invocation was interrupted, not failed
            }
            if (attempt <= config.retries()) {
                Duration wait = retryDelay.multipliedBy(attempt);
                try {
                    timer.schedule(() -> deliveries.submit(() -> attempt(function, event, config, attempt + 1)), wait.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.warn("{} failed (attempt {} of {}): {}; tried again in {} ms", function.logicalId(), attempt, config.retries() + 1,
                            e.toString(), wait.toMillis());
                } catch (RejectedExecutionException stopping) {
                    LOG.debug("{} failed while the runtime stopped: {}", function.logicalId(), e.toString());
                }
                return;
            }
            LOG.error("{} failed: {}; {} attempt(s), {}", function.logicalId(), e.toString(), attempt,
                    config.onFailureQueueUrl().isPresent() ? "its invocation record sent to the on-failure queue" : "dropped (no OnFailure destination)");
            config.onFailureQueueUrl().ifPresent(url -> sendRecord(url, function, event, config.qualifier(), attempt, e));
        }
    }

    private void sendRecord(String queueUrl, LocalFunction function, String event, String qualifier, int attempts, Throwable error) {
        try {
            String arn = arns.getOrDefault(function.logicalId(), function.name());
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(record(arn, qualifier, event, attempts, error, clock))));
        } catch (RuntimeException e) {
            LOG.error("{}: its invocation record could not be sent to {}: {}", function.logicalId(), queueUrl, e.toString());
        }
    }

    /** Lambda's invocation record of an asynchronous invocation of {@code functionArn:qualifier} that failed every attempt. */
    static ObjectNode record(String functionArn, String qualifier, String event, int attempts, Throwable error, Clock clock) {
        ObjectNode record = Json.object().put("version", "1.0").put("timestamp", clock.instant().toString());
        record.putObject("requestContext").put("requestId", UUID.randomUUID().toString()).put("functionArn", functionArn + ":" + qualifier)
                .put("condition", "RetriesExhausted").put("approximateInvokeCount", attempts);
        JsonNode payload;
        try {
            payload = Json.read(event);
        } catch (RuntimeException notJson) {
            payload = Json.MAPPER.getNodeFactory().textNode(event);
        }
        record.set("requestPayload", payload);
        String executed = LATEST.equals(qualifier) ? LATEST : LambdaApi.PUBLISHED_VERSION; // an alias runs the version it points at
        record.putObject("responseContext").put("statusCode", 200).put("executedVersion", executed).put("functionError", "Unhandled");
        record.putObject("responsePayload").put("errorMessage", String.valueOf(error.getMessage())).put("errorType", error.getClass().getName());
        return record;
    }

    /** Stops retrying: an invocation failing from now on (interrupted by the closing runtime) is neither retried nor recorded. */
    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
    }
}
