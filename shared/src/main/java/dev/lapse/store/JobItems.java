package dev.lapse.store;

import dev.lapse.inspect.ListBuckets;
import dev.lapse.inspect.PendingListing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.lapse.job.Job;
import dev.lapse.job.JobJson;
import dev.lapse.json.Json;
import dev.lapse.sweep.DueBuckets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Jobs table item of a {@link Job}. The key is {@code jobId}; {@code ttl} (epoch seconds) is the
 * TTL attribute; {@code dueBucket} ({@link DueBuckets}) + {@code dueEpochMs} are the keys of the due-time
 * index, and only a job the sweep must still hand over to the due-jobs queue carries {@code dueBucket}.
 */
public final class JobItems {
    public static final String JOB_ID = "jobId";
    public static final String TTL = "ttl";
    static final String TYPE = "jobType";
    static final String PAYLOAD = "payload";
    public static final String DUE_AT = "dueAt";
    public static final String DUE_EPOCH_MS = "dueEpochMs";
    static final String DUE_MINUTE = "dueMinute";
    public static final String DUE_BUCKET = "dueBucket";
    public static final String HANDED_AT = "handedAt";
    static final String DUE_SPEC = "dueSpec";
    public static final String OCCURRENCE = "occurrenceId";
    public static final String ATTEMPT = "attempt";
    static final String RETRY = "retry";
    static final String ERRORS = "errors";
    static final String SCHEDULED_AT = "scheduledAt";
    static final String REQUESTED_BY = "requestedBy";
    /** A recurring job's occurrence: {@link JobJson.SeriesJson} as JSON. */
    static final String SERIES = "series";

    private JobItems() {
    }

    /** The item of a job outside the due-time index. */
    public static Map<String, AttributeValue> toItem(Job job) {
        return toItem(job, false);
    }

    /** The item of a job, in the due-time index ({@code dueBucket}) if {@code swept}, with TTL at the due time. */
    public static Map<String, AttributeValue> toItem(Job job, boolean swept) {
        return toItem(job, swept, Duration.ZERO);
    }

    /**
     * The item of a job, in the due-time index ({@code dueBucket}) if {@code swept}, with {@code ttl} {@code ttlGrace}
     * after the due time (rounded up): the grace by which the TTL safety net stays behind the due-jobs queue.
     */
    public static Map<String, AttributeValue> toItem(Job job, boolean swept, Duration ttlGrace) {
        Map<String, AttributeValue> item = new HashMap<>();
        boolean dormant = job.isDormant(); // a paused or cancelled recurring job is never due: not indexed, not listed
        if (swept && !dormant) {
            item.put(DUE_BUCKET, s(DueBuckets.of(job.jobId(), job.dueAt())));
        }
        item.put(JOB_ID, s(job.jobId()));
        if (!dormant) {
            item.put(PendingListing.LIST_BUCKET, s(ListBuckets.of(job.jobId(), job.dueAt()))); // every pending job is listable
        }
        item.put(TYPE, s(job.type()));
        item.put(PAYLOAD, s(job.payload()));
        item.put(DUE_AT, s(job.dueAt().toString()));
        item.put(DUE_EPOCH_MS, n(job.dueAt().toEpochMilli()));
        item.put(DUE_MINUTE, s(DueBuckets.minute(job.dueAt())));
        if (!job.isPaused()) {
            item.put(TTL, n(job.ttlEpochSeconds(ttlGrace))); // a paused job waits for Resume Job, never for TTL
        }
        job.series().ifPresent(series -> item.put(SERIES, s(Json.write(JobJson.SeriesJson.of(series)))));
        item.put(DUE_SPEC, s(job.dueSpec()));
        item.put(OCCURRENCE, s(job.occurrenceId()));
        item.put(ATTEMPT, n(job.attempt()));
        job.retryPolicy().ifPresent(p -> item.put(RETRY, s(Json.write(JobJson.Retry.of(p)))));
        item.put(ERRORS, s(errorsJson(job.errors())));
        item.put(SCHEDULED_AT, s(job.scheduledAt().toString()));
        item.put(REQUESTED_BY, s(job.requestedBy()));
        return item;
    }

    /**
     * Reads an item back. An item that lacks an attribute or holds one of the wrong type is a
     * {@link CorruptJobException} naming the attribute: it is dead-lettered, never guessed at.
     */
    public static Job fromItem(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            throw new CorruptJobException("(item)", "the record carries no old image");
        }
        String jobId = str(item, JOB_ID);
        String payload = str(item, PAYLOAD);
        try {
            if (!Json.MAPPER.readTree(payload).isObject()) {
                throw new CorruptJobException(jobId, "attribute payload is not a JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CorruptJobException(jobId, "attribute payload is not valid JSON");
        }
        try {
            return new Job(
                    jobId,
                    str(item, TYPE),
                    payload,
                    Instant.parse(str(item, DUE_AT)),
                    str(item, DUE_SPEC),
                    str(item, OCCURRENCE),
                    (int) num(item, ATTEMPT),
                    item.containsKey(RETRY) ? Optional.of(JobJson.retry(Json.read(str(item, RETRY)))) : Optional.empty(),
                    item.containsKey(ERRORS) ? parseErrors(str(item, ERRORS)) : List.of(),
                    Instant.parse(str(item, SCHEDULED_AT)),
                    item.containsKey(REQUESTED_BY) ? str(item, REQUESTED_BY) : "unknown",
                    item.containsKey(SERIES) ? Optional.of(Json.MAPPER.convertValue(Json.read(str(item, SERIES)), JobJson.SeriesJson.class).series())
                            : Optional.empty());
        } catch (CorruptJobException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptJobException(jobId, "unreadable attribute: " + e.getMessage());
        }
    }

    public static ArrayNode errorsNode(List<Job.AttemptError> errors) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Job.AttemptError e : errors) {
            array.addObject().put("attempt", e.attempt()).put("at", e.at().toString()).put("error", e.error());
        }
        return array;
    }

    static String errorsJson(List<Job.AttemptError> errors) {
        return Json.write(errorsNode(errors));
    }

    public static List<Job.AttemptError> parseErrors(String json) {
        List<Job.AttemptError> errors = new ArrayList<>();
        for (JsonNode e : Json.read(json)) {
            errors.add(new Job.AttemptError(e.get("attempt").asInt(), Instant.parse(e.get("at").asText()), e.get("error").asText()));
        }
        return errors;
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null) {
            throw new CorruptJobException(item.containsKey(JOB_ID) && item.get(JOB_ID).s() != null ? item.get(JOB_ID).s() : "(unknown)",
                    "attribute " + name + (v == null ? " is missing" : " is not a string"));
        }
        return v.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            throw new CorruptJobException(item.containsKey(JOB_ID) && item.get(JOB_ID).s() != null ? item.get(JOB_ID).s() : "(unknown)",
                    "attribute " + name + (v == null ? " is missing" : " is not a number"));
        }
        return Long.parseLong(v.n());
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
