package dev.lapse.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A console backend over a Lapse stack's functions and queues, reached with the AWS SDK: a deployed stack with
 * the user's own credentials, or the local runtime with its endpoints. Nothing here needs a permission beyond
 * invoking the two functions and reading the dead-letter queue's attributes.
 */
public final class StackBackend implements ConsoleBackend {
    private final LambdaClient lambda;
    private final SqsClient sqs;
    private final StackOutputs outputs;
    private final String description;

    public StackBackend(LambdaClient lambda, SqsClient sqs, StackOutputs outputs, String description) {
        this.lambda = lambda;
        this.sqs = sqs;
        this.outputs = outputs;
        this.description = description;
    }

    @Override
    public JsonNode request(JsonNode request) {
        return invoke(outputs.scheduleFunction(), request);
    }

    @Override
    public JsonNode replay(JsonNode request) {
        return invoke(outputs.replayFunction(), request);
    }

    @Override
    public JsonNode figures() {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(outputs.deadLetterQueueUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        ObjectNode figures = Json.object();
        figures.put("deadLetters", Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")));
        figures.put("deadLettersInFlight",
                Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
        return figures;
    }

    @Override
    public String describe() {
        return description;
    }

    private JsonNode invoke(String function, JsonNode request) {
        InvokeResponse response = lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.REQUEST_RESPONSE)
                .payload(SdkBytes.fromUtf8String(Json.write(request))));
        JsonNode answer = Json.read(response.payload().asUtf8String());
        if (response.functionError() != null) {
            // The function threw: Lambda's error shape {"errorMessage", "errorType"}; the page shows the message.
            return Json.object().put("ok", false).put("error", "FUNCTION_ERROR")
                    .put("message", answer.path("errorMessage").asText(response.functionError()));
        }
        return answer;
    }
}
