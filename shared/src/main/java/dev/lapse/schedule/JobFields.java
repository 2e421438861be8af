package dev.lapse.schedule;

import static dev.lapse.json.Json.kind;
import static dev.lapse.schedule.Fields.printable;
import static dev.lapse.schedule.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/** The fields that say what a job is: its id, its type and its payload. */
final class JobFields {
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_TYPE_LENGTH = 64;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    static final int MAX_PAYLOAD_DEPTH = 32;
    /** Job ids Lapse derives for its own jobs; a user job may not take one. */
    static final List<String> RESERVED_ID_PREFIXES = List.of(PaidLicenses.JOB_ID_PREFIX, RecurringJobs.JOB_ID_PREFIX,
            dev.lapse.job.Series.COPY_PREFIX);
    static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

    private static final String TYPE_ACCEPTED = "up to " + MAX_TYPE_LENGTH
            + " characters: lower-case dot-separated words of a-z 0-9 _ -, starting with a letter (e.g. invoice.remind)";

    private JobFields() {
    }

    /** The id of a job to schedule: ids Lapse derives for its own jobs are refused. */
    static String newJobId(JsonNode detail) {
        String jobId = Fields.id(detail, "jobId", MAX_ID_LENGTH);
        for (String prefix : RESERVED_ID_PREFIXES) {
            if (jobId.startsWith(prefix)) {
                throw new InvalidRequestException("detail.jobId", "is \"" + printable(jobId) + "\": ids starting with \""
                        + prefix + "\" are reserved for Lapse's own jobs", "an id that starts with none of " + RESERVED_ID_PREFIXES);
            }
        }
        return jobId;
    }

    /**
     * The id of a job to cancel or reschedule. A licence's deactivation job is refused: it follows the
     * subscription events, and a plain cancel would leave the licence cancelled with nothing to deactivate it.
     * (A recurring firing's retry is a plain "Job Due" job and can be cancelled or moved like any other.)
     */
    static String existingJobId(JsonNode detail) {
        String jobId = Fields.id(detail, "jobId", MAX_ID_LENGTH);
        if (jobId.startsWith(PaidLicenses.JOB_ID_PREFIX)) {
            throw new InvalidRequestException("detail.jobId", "is \"" + printable(jobId) + "\", a licence's deactivation job:"
                    + " reserved, it is controlled by subscription events",
                    "the id of a job you scheduled; for a licence, send \"" + JobRequest.SUBSCRIPTION_REACTIVATED
                            + "\" or a new \"" + JobRequest.SUBSCRIPTION_CANCELLED + "\"");
        }
        return jobId;
    }

    static String type(JsonNode detail) {
        String value = text(detail, "jobType", "detail.jobType", TYPE_ACCEPTED);
        if (value.length() > MAX_TYPE_LENGTH || !TYPE.matcher(value).matches()) {
            throw new InvalidRequestException("detail.jobType", "is \"" + printable(value) + "\", not a valid job type name",
                    TYPE_ACCEPTED);
        }
        if (PaidLicenses.JOB_TYPE.equals(value)) {
            throw new InvalidRequestException("detail.jobType", "is \"" + value + "\", reserved for the deactivation Lapse schedules"
                    + " itself on \"" + JobRequest.SUBSCRIPTION_CANCELLED + "\"",
                    "any other job type name; to deactivate a licence when its paid period ends, send \""
                            + JobRequest.SUBSCRIPTION_CANCELLED + "\"");
        }
        return value;
    }

    /** The payload as JSON text ({@code {}} when absent), every number with the digits it was sent with. */
    static String payload(JsonNode detail) {
        JsonNode payload = detail.get("payload");
        if (payload == null || payload.isNull()) {
            return "{}";
        }
        if (!payload.isObject()) {
            throw new InvalidRequestException("detail.payload", "is " + kind(payload), "a JSON object of at most "
                    + MAX_PAYLOAD_BYTES + " bytes, nested at most " + MAX_PAYLOAD_DEPTH + " levels");
        }
        int depth = depth(payload);
        if (depth > MAX_PAYLOAD_DEPTH) {
            throw new InvalidRequestException("detail.payload", "is nested " + depth + " levels deep",
                    "a JSON object nested at most " + MAX_PAYLOAD_DEPTH + " levels");
        }
        String text = Json.write(payload);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new InvalidRequestException("detail.payload", "is " + bytes + " bytes as JSON",
                    "a JSON object of at most " + MAX_PAYLOAD_BYTES + " bytes");
        }
        return text;
    }

    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                deepest = Math.max(deepest, depth(child));
            }
        }
        return deepest + 1;
    }
}
