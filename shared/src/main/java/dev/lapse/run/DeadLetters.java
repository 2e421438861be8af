package dev.lapse.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.job.JobJson;
import dev.lapse.json.Json;
import dev.lapse.store.JobItems;
import java.time.Instant;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The jobs dead-letter queue (SQS). Each message is one job: its id, type, payload, due time, the
 * attempts made, the error of each, and why it was dead-lettered. It is the input of replay.
 */
public final class DeadLetters implements DeadLetterSink {
    public static final String KIND = "lapse.dead-letter";

    private final SqsClient sqs;
    private final String queueUrl;

    public DeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(Job job, String reason, Instant at) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(message(job, reason, at))));
    }

    /** A record Lapse could not even read as a job (e.g. an old image missing attributes). */
    public void sendUnreadable(String source, JsonNode raw, String reason, Instant at) {
        ObjectNode body = Json.object();
        body.put("kind", KIND);
        body.put("reason", reason);
        body.put("deadLetteredAt", at.toString());
        body.put("source", source);
        body.set("raw", raw);
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(body)));
    }

    public static ObjectNode message(Job job, String reason, Instant at) {
        ObjectNode body = Json.object();
        body.put("kind", KIND);
        body.put("reason", reason);
        body.put("deadLetteredAt", at.toString());
        body.set("job", Json.MAPPER.valueToTree(JobJson.deadLettered(job)));
        body.set("errors", JobItems.errorsNode(job.errors()));
        return body;
    }
}
