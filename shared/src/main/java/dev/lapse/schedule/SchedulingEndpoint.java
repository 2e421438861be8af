package dev.lapse.schedule;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.job.JobConflictException;
import dev.lapse.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling function's contract: a request in (EventBridge event or direct invocation), a
 * JSON answer out. A refused request is answered with {@code {"ok": false, "error": {...}}} and,
 * when it came from EventBridge (whose sender cannot read the answer), also published as a
 * "Job Rejected" event so it is never silently dropped. Infrastructure errors are thrown, so
 * Lambda retries the invocation.
 */
public final class SchedulingEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulingEndpoint.class);

    private final RequestParser parser;
    private final JobScheduler scheduler;
    private final EventPublisher publisher;

    public SchedulingEndpoint(RequestParser parser, JobScheduler scheduler, EventPublisher publisher) {
        this.parser = parser;
        this.scheduler = scheduler;
        this.publisher = publisher;
    }

    /**
     * Handles the raw bytes of an invocation. Bytes that are not UTF-8 are refused rather than decoded
     * into replacement characters, which would silently change the request.
     */
    public ObjectNode handle(byte[] input) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(input)).toString();
        } catch (CharacterCodingException e) {
            ObjectNode error = Json.object().put("code", "INVALID_REQUEST").put("field", "(request)")
                    .put("problem", "is not valid UTF-8").put("accepted", "a JSON object encoded in UTF-8");
            error.put("message", "(request): is not valid UTF-8 (accepted: a JSON object encoded in UTF-8)");
            return refuse(error, null, false);
        }
        return handle(text);
    }

    public ObjectNode handle(String input) {
        JsonNode tree = readLeniently(input);
        boolean fromEventBridge = tree != null && tree.isObject() && tree.hasNonNull("source") && tree.hasNonNull("id");
        try {
            JobRequest request = parser.parse(input);
            JobScheduler.Result result = scheduler.handle(request);
            ObjectNode answer = Json.object().put("ok", true).put("outcome", result.outcome().name());
            result.job().ifPresent(job -> answer.set("job", describe(job)));
            return answer;
        } catch (InvalidRequestException e) {
            ObjectNode error = Json.object().put("code", "INVALID_REQUEST").put("field", e.field())
                    .put("problem", e.problem()).put("accepted", e.accepted()).put("message", e.getMessage());
            return refuse(error, tree, fromEventBridge);
        } catch (JobConflictException e) {
            String field = !e.fields().isEmpty() ? e.fields().get(0) : e.code().startsWith("LICENCE") ? "detail.licenceId" : "detail.jobId";
            ObjectNode error = Json.object().put("code", e.code()).put("field", field).put("jobId", e.jobId());
            error.set("fields", Json.MAPPER.valueToTree(e.fields().isEmpty() ? java.util.List.of(field) : e.fields()));
            error.put("message", e.getMessage());
            return refuse(error, tree, fromEventBridge);
        }
    }

    /**
     * The request as a tree, only to tell whether EventBridge sent it and to quote it in "Job Rejected";
     * read without the duplicate-key check so a request refused for a duplicate key is still reported there.
     */
    private static JsonNode readLeniently(String input) {
        try {
            return Json.MAPPER.reader().without(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(input == null ? "" : input);
        } catch (Exception e) {
            return null;
        }
    }

    private ObjectNode refuse(ObjectNode error, JsonNode request, boolean fromEventBridge) {
        LOG.warn("request refused: {}", error.get("message").asText());
        if (fromEventBridge) {
            ObjectNode detail = Json.object();
            detail.set("error", error);
            detail.set("request", request);
            publisher.publish(EventPublisher.JOB_REJECTED, detail);
        }
        ObjectNode answer = Json.object().put("ok", false);
        answer.set("error", error);
        return answer;
    }

    public static ObjectNode describe(Job job) {
        ObjectNode node = Json.object();
        node.put("jobId", job.jobId());
        node.put("jobType", job.type());
        node.set("payload", Json.read(job.payload()));
        node.put("dueAt", job.dueAt().toString());
        node.put("ttl", job.ttlEpochSeconds());
        node.put("occurrenceId", job.occurrenceId());
        node.put("attempt", job.attempt());
        node.put("scheduledAt", job.scheduledAt().toString());
        node.put("requestedBy", job.requestedBy());
        return node;
    }
}
