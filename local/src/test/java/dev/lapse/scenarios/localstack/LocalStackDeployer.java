package dev.lapse.scenarios.localstack;

import dev.lapse.local.TemplateException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Sends a {@link DeploymentPlan} to LocalStack with the AWS SDK, in dependency order, and waits
 * until every function is Active and every event source mapping in its intended state.
 */
public final class LocalStackDeployer {
    private static final Logger LOG = LoggerFactory.getLogger("lapse-localstack");
    private static final Duration READY = Duration.ofMinutes(5);

    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final LambdaClient lambda;
    private final EventBridgeClient events;

    public LocalStackDeployer(DynamoDbClient dynamo, SqsClient sqs, LambdaClient lambda, EventBridgeClient events) {
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.lambda = lambda;
        this.events = events;
    }

    public DeployedResources deploy(DeploymentPlan plan) {
        DeployedResources deployed = new DeployedResources();
        plan.notes().forEach(note -> LOG.info("LocalStack deployment: {}", note));

        for (var bus : plan.eventBuses(deployed)) {
            events.createEventBus(bus);
        }
        plan.template().resources().forEach((id, r) -> {
            if ("AWS::Events::EventBus".equals(r.get("Type"))) {
                deployed.bus(id, plan.busName(id, deployed));
            }
        });

        for (var table : plan.tables(deployed)) {
            String name = table.create().tableName();
            dynamo.createTable(table.create());
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
            table.timeToLive().ifPresent(dynamo::updateTimeToLive);
            var description = dynamo.describeTable(r -> r.tableName(name)).table();
            deployed.table(table.logicalId(), name, description.tableArn(), description.latestStreamArn());
            LOG.info("table {} ({}){}", table.logicalId(), name,
                    table.timeToLive().map(t -> ", TTL on " + t.timeToLiveSpecification().attributeName()).orElse(""));
        }

        for (var queue : plan.queues(deployed)) {
            String url = sqs.createQueue(queue.create()).queueUrl();
            String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            deployed.queue(queue.logicalId(), queue.create().queueName(), url, arn);
        }
        plan.redrivePolicies(deployed).forEach((id, policy) -> sqs.setQueueAttributes(r -> r.queueUrl(deployed.queue(id).url())
                .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy))));

        for (var function : plan.functions(deployed)) {
            byte[] code;
            try {
                code = Files.readAllBytes(function.code());
            } catch (IOException e) {
                throw new TemplateException("Resource " + function.logicalId() + ": CodeUri " + function.code()
                        + " cannot be read (" + e + "); build the functions' jar first: mvn -B package -DskipTests", e);
            }
            var created = lambda.createFunction(function.create().toBuilder().code(c -> c.zipFile(SdkBytes.fromByteArray(code))).build());
            deployed.function(function.logicalId(), created.functionName(), created.functionArn());
        }
        for (var function : plan.functions(deployed)) {
            String name = function.create().functionName();
            lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName(name));
            function.invokeConfig().ifPresent(lambda::putFunctionEventInvokeConfig);
            LOG.info("function {} ({}) active", function.logicalId(), name);
        }

        for (var mapping : plan.eventSourceMappings(deployed)) {
            String uuid = lambda.createEventSourceMapping(mapping.create()).uuid();
            awaitState(uuid, Boolean.FALSE.equals(mapping.create().enabled()) ? "Disabled" : "Enabled",
                    mapping.functionId() + "." + mapping.eventId());
        }

        for (var rule : plan.rules(deployed)) {
            events.putRule(rule.rule());
            var response = events.putTargets(rule.targets());
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException("rule " + rule.rule().name() + ": targets refused: " + response.failedEntries());
            }
            LOG.info("rule {} on bus {} -> {}", rule.rule().name(), rule.rule().eventBusName(), rule.functionId());
        }
        return deployed;
    }

    private void awaitState(String uuid, String state, String what) {
        Instant deadline = Instant.now().plus(READY);
        GetEventSourceMappingResponse mapping;
        while (!state.equals((mapping = lambda.getEventSourceMapping(r -> r.uuid(uuid))).state())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("event source mapping " + what + " is still " + mapping.state()
                        + " after " + READY.toSeconds() + " s: " + mapping.stateTransitionReason());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        LOG.info("event source mapping {} {} ({})", what, state, mapping.eventSourceArn());
    }
}
