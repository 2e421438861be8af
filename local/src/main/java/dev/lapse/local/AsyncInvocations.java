package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's asynchronous invocation (rules, schedules, {@code InvocationType=Event}), as each function's
 * {@code EventInvokeConfig} sets it: a failed invocation is tried again {@code MaximumRetryAttempts} times (2 unless set),
 * and then its invocation record goes to the {@code DestinationConfig.OnFailure} queue, in Lambda's record shape
 * ({@code requestContext.condition} {@code RetriesExhausted}, the request and the error). Lambda waits about a minute before
 * the first retry and two before the second; here {@link #RETRY_DELAY} and twice that, as fast TTL shortens TTL.
 */
final class AsyncInvocations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-local");
    /** The wait before the first retry here (before the second, twice this). */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** Lambda's default when EventInvokeConfig does not set MaximumRetryAttempts. */
    static final int DEFAULT_RETRIES = 2;

    /** A function's EventInvokeConfig: how many times to try again, and the queue its failures go to. */
    record Config(int retries, Optional<String> onFailureQueueUrl) {
    }

    private final Map<String, Config> configs = new HashMap<>();
    private final Map<String, String> arns = new HashMap<>();
    private final SqsClient sqs;
    private final ExecutorService deliveries;
    private final Clock clock;
    private final Duration retryDelay;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(LocalRuntime.daemon("lapse-async-retries"));

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
                String where = "Resources." + id + ".Properties.EventInvokeConfig";
                invocations.configure(id, ids.functionArn(resources.function(id).name()), config(ids, where, props.get("EventInvokeConfig")));
            }
        });
        return invocations;
    }

    /** A function's config from its EventInvokeConfig (none: Lambda's defaults, no destination). */
    static Config config(PhysicalIds ids, String where, Object eventInvokeConfig) {
        Map<String, Object> c = Template.map(ids.resolve(eventInvokeConfig, where));
        Object retries = c.get("MaximumRetryAttempts");
        int count = retries == null ? DEFAULT_RETRIES : Integer.parseInt(String.valueOf(retries));
        if (count < 0 || count > 2) {
            throw new TemplateException(where + ".MaximumRetryAttempts: " + retries + " is out of range; accepted: 0 to 2");
        }
        Map<String, Object> destinations = Template.map(c.get("DestinationConfig"));
        if (destinations.containsKey("OnSuccess")) {
            throw new TemplateException(where + ".DestinationConfig.OnSuccess is not supported by the local runtime (supported: OnFailure to an SQS queue of the template)");
        }
        Map<String, Object> onFailure = Template.map(destinations.get("OnFailure"));
        if (onFailure.isEmpty()) {
            return new Config(count, Optional.empty());
        }
        if (!"SQS".equals(String.valueOf(onFailure.get("Type")))) {
            throw new TemplateException(where + ".DestinationConfig.OnFailure.Type: " + onFailure.get("Type")
                    + " is not supported by the local runtime (supported: SQS)");
        }
        String arn = String.valueOf(onFailure.get("Destination"));
        return new Config(count, Optional.of(ids.queueByArn(arn, where + ".DestinationConfig.OnFailure.Destination").url()));
    }

    void configure(String logicalId, String functionArn, Config config) {
        configs.put(logicalId, config);
        arns.put(logicalId, functionArn);
    }

    /** Invokes {@code function} with {@code event} asynchronously, as Lambda does (see the class comment). */
    void invoke(LocalFunction function, String event) {
        deliveries.submit(() -> attempt(function, event, 1));
    }

    private void attempt(LocalFunction function, String event, int attempt) {
        Config config = configs.getOrDefault(function.logicalId(), new Config(DEFAULT_RETRIES, Optional.empty()));
        try {
            function.invoke(event);
        } catch (Exception e) {
            if (attempt <= config.retries()) {
                Duration wait = retryDelay.multipliedBy(attempt);
                LOG.warn("{} failed (attempt {} of {}): {}; tried again in {} ms", function.logicalId(), attempt, config.retries() + 1,
                        e.toString(), wait.toMillis());
                timer.schedule(() -> deliveries.submit(() -> attempt(function, event, attempt + 1)), wait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            LOG.error("{} failed: {}; {} attempt(s), {}", function.logicalId(), e.toString(), attempt,
                    config.onFailureQueueUrl().isPresent() ? "its invocation record sent to the on-failure queue" : "dropped (no OnFailure destination)");
            config.onFailureQueueUrl().ifPresent(url -> sendRecord(url, function, event, attempt, e));
        }
    }

    private void sendRecord(String queueUrl, LocalFunction function, String event, int attempts, Exception error) {
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(record(arns.getOrDefault(function.logicalId(), function.name()),
                    event, attempts, error, clock))));
        } catch (RuntimeException e) {
            LOG.error("{}: its invocation record could not be sent to {}: {}", function.logicalId(), queueUrl, e.toString());
        }
    }

    /** Lambda's invocation record of an asynchronous invocation that failed every attempt. */
    static ObjectNode record(String functionArn, String event, int attempts, Exception error, Clock clock) {
        ObjectNode record = Json.object().put("version", "1.0").put("timestamp", clock.instant().toString());
        record.putObject("requestContext").put("requestId", UUID.randomUUID().toString()).put("functionArn", functionArn + ":$LATEST")
                .put("condition", "RetriesExhausted").put("approximateInvokeCount", attempts);
        JsonNode payload;
        try {
            payload = Json.read(event);
        } catch (RuntimeException notJson) {
            payload = Json.MAPPER.getNodeFactory().textNode(event);
        }
        record.set("requestPayload", payload);
        record.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST").put("functionError", "Unhandled");
        record.putObject("responsePayload").put("errorMessage", String.valueOf(error.getMessage())).put("errorType", error.getClass().getName());
        return record;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
