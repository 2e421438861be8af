package dev.lapse.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.RetryPolicy;
import dev.lapse.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON of an EventBridge event or of a direct invocation into a {@link JobRequest},
 * or refuses it with an {@link InvalidRequestException} naming the field and what is accepted.
 *
 * <p>Both shapes carry {@code "detail-type"} and {@code "detail"}; an EventBridge event also
 * carries {@code source} and {@code time}, which become the requester and the base of a relative delay.
 */
public final class RequestParser {

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_LICENCE_ID_LENGTH = 100;
    public static final int MAX_TYPE_LENGTH = 64;
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    public static final int MAX_PAYLOAD_DEPTH = 32;
    public static final Duration MAX_PAST = Duration.ofDays(1);
    public static final Duration MAX_HORIZON = Duration.ofDays(5 * 365);

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]+");
    static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

    private static final String ID_ACCEPTED = "1 to " + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 . _ : @ -";
    private static final String TYPE_ACCEPTED = "up to " + MAX_TYPE_LENGTH
            + " characters: lower-case dot-separated words of a-z 0-9 _ -, starting with a letter (e.g. invoice.remind)";
    private static final String INSTANT_ACCEPTED = "an ISO-8601 instant with offset, e.g. 2026-12-01T09:00:00Z,"
            + " no earlier than " + MAX_PAST.toHours() + " hours ago and no later than " + MAX_HORIZON.toDays() + " days ahead";
    private static final String DELAY_ACCEPTED = "an ISO-8601 duration from PT0S to P" + MAX_HORIZON.toDays()
            + "D, e.g. PT30S, PT15M, P7DT12H";
    private static final List<String> TYPES = List.of(JobRequest.SCHEDULE, JobRequest.CANCEL, JobRequest.RESCHEDULE,
            JobRequest.SUBSCRIPTION_CANCELLED, JobRequest.SUBSCRIPTION_REACTIVATED);

    private final Clock clock;

    public RequestParser(Clock clock) {
        this.clock = clock;
    }

    public JobRequest parse(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json == null ? "" : json);
        } catch (StreamConstraintsException e) {
            throw new InvalidRequestException("(request)", "is nested or sized beyond the parser's limits",
                    "a JSON object nested at most " + MAX_PAYLOAD_DEPTH + " levels deep in its payload");
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("(request)", "is not valid JSON: " + e.getOriginalMessage(),
                    "a JSON object with \"detail-type\" and \"detail\"");
        }
        return parse(root);
    }

    public JobRequest parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("(request)", "is " + kind(root), "a JSON object with \"detail-type\" and \"detail\"");
        }
        String detailType = text(root, "detail-type", "detail-type", "one of " + TYPES);
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new InvalidRequestException("detail", detail == null ? "is missing" : "is " + kind(detail), "a JSON object");
        }
        String requestedBy = root.hasNonNull("source") && root.get("source").isTextual() ? root.get("source").asText() : "direct";
        Instant base = eventTime(root);
        return switch (detailType) {
            case JobRequest.SCHEDULE -> {
                allowOnly(detail, Set.of("jobId", "jobType", "dueAt", "delay", "payload", "retry"));
                yield new JobRequest.ScheduleJob(id(detail, "jobId", MAX_ID_LENGTH), type(detail),
                        payload(detail), due(detail, base), retry(detail), requestedBy);
            }
            case JobRequest.CANCEL -> {
                allowOnly(detail, Set.of("jobId"));
                yield new JobRequest.CancelJob(id(detail, "jobId", MAX_ID_LENGTH), requestedBy);
            }
            case JobRequest.RESCHEDULE -> {
                allowOnly(detail, Set.of("jobId", "dueAt", "delay"));
                yield new JobRequest.RescheduleJob(id(detail, "jobId", MAX_ID_LENGTH), due(detail, base), requestedBy);
            }
            case JobRequest.SUBSCRIPTION_CANCELLED -> {
                allowOnly(detail, Set.of("licenceId", "paidUntil"));
                String licenceId = id(detail, "licenceId", MAX_LICENCE_ID_LENGTH);
                Instant paidUntil = instant(detail, "paidUntil");
                yield new JobRequest.SubscriptionCancelled(licenceId, paidUntil, base, requestedBy);
            }
            case JobRequest.SUBSCRIPTION_REACTIVATED -> {
                allowOnly(detail, Set.of("licenceId"));
                yield new JobRequest.SubscriptionReactivated(id(detail, "licenceId", MAX_LICENCE_ID_LENGTH), base, requestedBy);
            }
            default -> throw new InvalidRequestException("detail-type", "is \"" + printable(detailType) + "\"", "one of " + TYPES);
        };
    }

    private Instant eventTime(JsonNode root) {
        JsonNode time = root.get("time");
        if (time == null || time.isNull()) {
            return clock.instant();
        }
        try {
            return OffsetDateTime.parse(time.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("time", "is \"" + printable(time.asText()) + "\", not an instant",
                    "an ISO-8601 instant, as EventBridge sets it");
        }
    }

    private static void allowOnly(JsonNode detail, Set<String> allowed) {
        Iterator<String> names = detail.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException("detail." + printable(name), "is not a known field",
                        "only " + allowed.stream().sorted().toList());
            }
        }
    }

    private static String text(JsonNode node, String name, String field, String accepted) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new InvalidRequestException(field, "is missing", accepted);
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field, "is " + kind(value) + ", not a string", accepted);
        }
        return value.asText();
    }

    static String id(JsonNode detail, String name, int maxLength) {
        String accepted = "1 to " + maxLength + " characters of A-Z a-z 0-9 . _ : @ -";
        String value = text(detail, name, "detail." + name, accepted);
        if (value.isEmpty() || value.length() > maxLength) {
            throw new InvalidRequestException("detail." + name, "has " + value.length() + " characters", accepted);
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidRequestException("detail." + name, "contains a character outside the allowed set: \""
                    + printable(value) + "\"", accepted);
        }
        return value;
    }

    private static String type(JsonNode detail) {
        String value = text(detail, "jobType", "detail.jobType", TYPE_ACCEPTED);
        if (value.length() > MAX_TYPE_LENGTH || !TYPE.matcher(value).matches()) {
            throw new InvalidRequestException("detail.jobType", "is \"" + printable(value) + "\", not a valid job type name",
                    TYPE_ACCEPTED);
        }
        return value;
    }

    private static String payload(JsonNode detail) {
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

    private JobRequest.Due due(JsonNode detail, Instant base) {
        boolean hasDueAt = detail.hasNonNull("dueAt");
        boolean hasDelay = detail.hasNonNull("delay");
        if (hasDueAt == hasDelay) {
            throw new InvalidRequestException("detail.dueAt", hasDueAt ? "is given together with detail.delay"
                    : "is missing (and so is detail.delay)",
                    "exactly one of dueAt (" + INSTANT_ACCEPTED + ") or delay (" + DELAY_ACCEPTED + ")");
        }
        if (hasDueAt) {
            Instant at = instant(detail, "dueAt");
            return new JobRequest.Due(at, at.toString());
        }
        String text = text(detail, "delay", "detail.delay", DELAY_ACCEPTED);
        Duration delay;
        try {
            delay = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("detail.delay", "is \"" + printable(text) + "\", not an ISO-8601 duration",
                    DELAY_ACCEPTED);
        }
        if (delay.isNegative() || delay.compareTo(MAX_HORIZON) > 0) {
            throw new InvalidRequestException("detail.delay", "is " + text + ", out of bounds", DELAY_ACCEPTED);
        }
        Instant due;
        try {
            due = base.plus(delay);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new InvalidRequestException("time", "is " + base + ", too far from now to count a delay from",
                    "the event's own time, within " + MAX_PAST.toHours() + " hours of now");
        }
        checkBounds(due, "detail.delay", "counted from the event time " + base, DELAY_ACCEPTED);
        return new JobRequest.Due(due, "delay:" + delay + "@" + base);
    }

    private Instant instant(JsonNode detail, String name) {
        String text = text(detail, name, "detail." + name, INSTANT_ACCEPTED);
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("detail." + name, "is \"" + printable(text) + "\", not an ISO-8601 instant",
                    INSTANT_ACCEPTED);
        }
        checkBounds(at, "detail." + name, "", INSTANT_ACCEPTED);
        return at;
    }

    private void checkBounds(Instant at, String field, String context, String accepted) {
        Instant now = clock.instant();
        String when = context.isEmpty() ? "" : " (" + context + ")";
        if (at.isBefore(now.minus(MAX_PAST))) {
            throw new InvalidRequestException(field, "gives " + at + when + ", more than " + MAX_PAST.toHours()
                    + " hours in the past", accepted);
        }
        if (at.isAfter(now.plus(MAX_HORIZON))) {
            throw new InvalidRequestException(field, "gives " + at + when + ", more than " + MAX_HORIZON.toDays()
                    + " days ahead", accepted);
        }
    }

    private static Optional<RetryPolicy> retry(JsonNode detail) {
        JsonNode retry = detail.get("retry");
        if (retry == null || retry.isNull()) {
            return Optional.empty();
        }
        String accepted = "an object with maxAttempts (1-" + RetryPolicy.MAX_ATTEMPTS_LIMIT + "), baseDelaySeconds and"
                + " maxDelaySeconds (1-" + RetryPolicy.MAX_DELAY_LIMIT.toSeconds() + "), each optional";
        if (!retry.isObject()) {
            throw new InvalidRequestException("detail.retry", "is " + kind(retry), accepted);
        }
        allowOnly(retry, Set.of("maxAttempts", "baseDelaySeconds", "maxDelaySeconds"));
        RetryPolicy d = RetryPolicy.DEFAULT;
        int maxAttempts = (int) integer(retry, "maxAttempts", d.maxAttempts(), accepted);
        long base = integer(retry, "baseDelaySeconds", d.baseDelay().toSeconds(), accepted);
        long max = integer(retry, "maxDelaySeconds", Math.max(base, d.maxDelay().toSeconds()), accepted);
        return Optional.of(RetryPolicy.of(maxAttempts, base, max));
    }

    private static long integer(JsonNode node, String name, long fallback, String accepted) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidRequestException("detail.retry." + name, "is " + kind(value) + " " + printable(value.toString()),
                    accepted);
        }
        return value.asLong();
    }

    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }

    /** Shows a value in an error without letting control characters or megabytes into the log. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 80; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > 80 ? out + "…(" + value.length() + " chars)" : out.toString();
    }
}
