package dev.lapse.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** An SQS event source mapping: receives, invokes with an SQSEvent, deletes all but the reported failures. */
final class QueueEventSource {
    private static final Logger LOG = LoggerFactory.getLogger("sqs");

    record Config(String name, LocalFunction function, String queueUrl, String queueArn, int batchSize,
                  boolean reportBatchItemFailures, int pollers) {
    }

    private final Config config;
    private final SqsClient sqs;
    private final String region;

    QueueEventSource(Config config, SqsClient sqs, String region) {
        this.config = config;
        this.sqs = sqs;
        this.region = region;
    }

    Config config() {
        return config;
    }

    int poll(int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(config.queueUrl()).maxNumberOfMessages(config.batchSize())
                .waitTimeSeconds(waitSeconds).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            r.putObject("messageAttributes");
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", config.queueArn());
            r.put("awsRegion", region);
        }
        Set<String> failed = new HashSet<>();
        try {
            String answer = config.function().invoke(Json.write(event));
            if (config.reportBatchItemFailures()) {
                failed.addAll(LocalFunction.batchItemFailures(answer));
            }
        } catch (Exception e) {
            LOG.warn("{}: function error on {} message(s); they return after the visibility timeout: {}", config.name(),
                    messages.size(), e.toString());
            return messages.size();
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size())).receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) { // as Lambda does: one DeleteMessageBatch for the batch's successes
            sqs.deleteMessageBatch(r -> r.queueUrl(config.queueUrl()).entries(done));
        }
        return messages.size();
    }
}
