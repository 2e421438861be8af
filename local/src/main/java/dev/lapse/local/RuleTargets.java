package dev.lapse.local;

import java.net.URI;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * What a consumer's rule (PutTargets) can target here: a queue of the local SQS endpoint, found by
 * the name in its ARN when an event is delivered (so a queue created after the rule works), or a
 * function of the template.
 */
final class RuleTargets {
    private static final Pattern SQS_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:sqs:[^:]*:[^:]*:([A-Za-z0-9_-]{1,80}(\\.fifo)?)");
    private static final Pattern LAMBDA_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9_$-]+)?");

    private final SqsClient sqs;
    private final URI sqsEndpoint;
    private final Function<String, LocalFunction> functions;
    private final BiConsumer<LocalFunction, String> invokeAsync;

    RuleTargets(SqsClient sqs, URI sqsEndpoint, Function<String, LocalFunction> functions, BiConsumer<LocalFunction, String> invokeAsync) {
        this.sqs = sqs;
        this.sqsEndpoint = sqsEndpoint;
        this.functions = functions;
        this.invokeAsync = invokeAsync;
    }

    /** Where an event for the target ARN goes; an ARN of neither kind is a ValidationException. */
    Consumer<String> target(String arn) {
        Matcher queue = SQS_ARN.matcher(arn);
        if (queue.matches()) {
            String name = queue.group(1);
            return json -> {
                String url;
                try {
                    url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
                } catch (QueueDoesNotExistException e) {
                    throw new IllegalStateException("queue " + name + " does not exist on the local SQS endpoint " + sqsEndpoint
                            + " (create it with aws sqs create-queue); the event is dropped, as EventBridge drops it");
                }
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(json));
            };
        }
        Matcher lambda = LAMBDA_ARN.matcher(arn);
        LocalFunction function = lambda.matches() ? functions.apply(lambda.group(1)) : null;
        if (function != null) {
            return json -> invokeAsync.accept(function, json);
        }
        throw AwsError.validation("Target Arn " + arn + " is not supported by the local runtime: targets here are queues of the local"
                + " SQS endpoint (arn:aws:sqs:REGION:ACCOUNT:QUEUE_NAME) and the template's functions");
    }
}
