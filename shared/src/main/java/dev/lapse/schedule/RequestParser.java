package dev.lapse.schedule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.RetryPolicy;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.licence.SubscriptionOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    /** How far ahead of Lapse's clock a subscription event's time may be (clock skew), so no event can lock a licence. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Job ids Lapse derives for its own jobs; a user job may not take one. */
    public static final List<String> RESERVED_ID_PREFIXES = List.of(PaidLicenses.JOB_ID_PREFIX, RecurringJobs.JOB_ID_PREFIX);

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]+");
    static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

    private static final String ID_ACCEPTED = "1 to " + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 . _ : @ -";
    private static final String TYPE_ACCEPTED = "up to " + MAX_TYPE_LENGTH
            + " characters: lower-case dot-separated words of a-z 0-9 _ -, starting with a letter (e.g. invoice.remind)";
    private static final String INSTANT_ACCEPTED = "an ISO-8601 instant with offset, e.g. 2026-12-01T09:00:00Z,"
            + " no earlier than " + MAX_PAST.toHours() + " hours ago and no later than " + MAX_HORIZON.toDays() + " days ahead";
    private static final String DELAY_ACCEPTED = "an ISO-8601 duration from PT0S to P" + MAX_HORIZON.toDays()
            + "D, e.g. PT30S, PT15M, P7DT12H";
    private static final String ORDER_ACCEPTED = "an ISO-8601 instant with offset (milliseconds allowed), e.g."
            + " 2026-12-01T09:00:00.125Z, from " + MAX_HORIZON.toDays() + " days ago to " + MAX_CLOCK_SKEW.toMinutes()
            + " minutes ahead of now";
    private static final String VERSION_ACCEPTED = "an integer from 0 to " + Long.MAX_VALUE
            + ", the subscription's revision number, growing with each change";
    private static final String LIMITS_ACCEPTED = "a JSON object with numbers of at most " + Json.MAX_NUMBER_LENGTH
            + " digits, strings of at most " + Json.MAX_STRING_LENGTH + " characters, nested at most " + Json.MAX_NESTING_DEPTH
            + " levels (a payload: at most " + MAX_PAYLOAD_BYTES + " bytes and " + MAX_PAYLOAD_DEPTH + " levels)";
    private static final List<String> TYPES = List.of(JobRequest.SCHEDULE, JobRequest.CANCEL, JobRequest.RESCHEDULE,
            JobRequest.SUBSCRIPTION_CANCELLED, JobRequest.SUBSCRIPTION_REACTIVATED);

    private final Clock clock;

    public RequestParser(Clock clock) {
        this.clock = clock;
    }

    public JobRequest parse(String json) {
        return parse(read(json));
    }

    /**
     * Reads a request's JSON, or refuses it naming what is wrong: not JSON, beyond a size limit (named),
     * or a key given twice (named by its path), which would otherwise silently keep only the last value.
     */
    public static JsonNode read(String json) {
        try {
            JsonNode tree = Json.MAPPER.readTree(json == null ? "" : json);
            if (json != null && json.contains("-0")) {
                refuseNegativeZero(json);
            }
            return tree;
        } catch (StreamConstraintsException e) {
            String message = String.valueOf(e.getOriginalMessage());
            String problem = message.startsWith("Number") ? "holds a number longer than " + Json.MAX_NUMBER_LENGTH + " digits"
                    : message.startsWith("String") ? "holds a string longer than " + Json.MAX_STRING_LENGTH + " characters"
                    : message.contains("nesting") ? "is nested deeper than " + Json.MAX_NESTING_DEPTH + " levels"
                    : "exceeds a limit of the parser: " + message.replaceAll(",? ?\\(?from `[^`]*`\\)?", "");
            throw new InvalidRequestException("(request)", problem, LIMITS_ACCEPTED);
        } catch (JsonProcessingException e) {
            String message = String.valueOf(e.getOriginalMessage());
            if (message.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
                return refuseDuplicate(p.getParsingContext());
            }
            throw new InvalidRequestException("(request)", "is not valid JSON: " + printable(message),
                    "a JSON object with \"detail-type\" and \"detail\"");
        }
    }

    private static JsonNode refuseDuplicate(JsonStreamContext context) {
        throw new InvalidRequestException(path(context), "is given twice in its object",
                "each key at most once in an object: the value that was meant cannot be guessed");
    }

    /** A negative zero ({@code -0}, {@code -0.0}) would arrive as {@code 0}: exact numbers have no sign for zero. */
    private static void refuseNegativeZero(String json) {
        try (JsonParser p = Json.MAPPER.createParser(json)) {
            for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
                if (token.isNumeric() && p.getText().startsWith("-") && p.getDecimalValue().signum() == 0) {
                    throw new InvalidRequestException(path(p.getParsingContext()), "is " + printable(p.getText())
                            + ", a negative zero, which cannot arrive as sent (it would be 0)", "a number other than a negative zero, e.g. 0");
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the request was read once already", e);
        }
    }

    /** The path of the value a parser is at, e.g. {@code detail.payload.items[2].sku}. */
    private static String path(JsonStreamContext context) {
        Deque<String> segments = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            segments.addFirst(c.inArray() ? "[" + c.getCurrentIndex() + "]" : key(c.getCurrentName()));
        }
        String path = String.join("", segments);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** A path segment for an object key: {@code .name}, or {@code ["odd key"]} for a key that is not a plain name. */
    static String key(String name) {
        return name != null && PLAIN_KEY.matcher(name).matches() ? "." + name : "[\"" + printable(String.valueOf(name)) + "\"]";
    }

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    public JobRequest parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("(request)", "is " + kind(root), "a JSON object with \"detail-type\" and \"detail\"");
        }
        refuseLoneSurrogates(root, "");
        String detailType = text(root, "detail-type", "detail-type", "one of " + TYPES);
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new InvalidRequestException("detail", detail == null ? "is missing" : "is " + kind(detail), "a JSON object");
        }
        String requestedBy = root.hasNonNull("source") && root.get("source").isTextual() ? root.get("source").asText() : "direct";
        Instant base = eventTime(root);
        return switch (detailType) {
            case JobRequest.SCHEDULE -> {
                allowOnly(detail, "detail", Set.of("jobId", "jobType", "dueAt", "delay", "payload", "retry"));
                String jobId = id(detail, "jobId", MAX_ID_LENGTH);
                refuseReservedId(jobId);
                yield new JobRequest.ScheduleJob(jobId, type(detail), payload(detail), due(detail, base), retry(detail), requestedBy);
            }
            case JobRequest.CANCEL -> {
                allowOnly(detail, "detail", Set.of("jobId"));
                yield new JobRequest.CancelJob(userJobId(detail), requestedBy);
            }
            case JobRequest.RESCHEDULE -> {
                allowOnly(detail, "detail", Set.of("jobId", "dueAt", "delay"));
                yield new JobRequest.RescheduleJob(userJobId(detail), due(detail, base), requestedBy);
            }
            case JobRequest.SUBSCRIPTION_CANCELLED -> {
                allowOnly(detail, "detail", Set.of("licenceId", "paidUntil", "occurredAt", "version"));
                String licenceId = id(detail, "licenceId", MAX_LICENCE_ID_LENGTH);
                Instant paidUntil = instant(detail, "paidUntil");
                yield new JobRequest.SubscriptionCancelled(licenceId, paidUntil,
                        order(root, detail, SubscriptionOrder.Intent.CANCEL), requestedBy);
            }
            case JobRequest.SUBSCRIPTION_REACTIVATED -> {
                allowOnly(detail, "detail", Set.of("licenceId", "occurredAt", "version"));
                String licenceId = id(detail, "licenceId", MAX_LICENCE_ID_LENGTH);
                yield new JobRequest.SubscriptionReactivated(licenceId, order(root, detail, SubscriptionOrder.Intent.REACTIVATE),
                        requestedBy);
            }
            default -> throw new InvalidRequestException("detail-type", "is \"" + printable(detailType) + "\"", "one of " + TYPES);
        };
    }

    /** A user job's id: ids Lapse derives for its own jobs are refused. */
    private static void refuseReservedId(String jobId) {
        for (String prefix : RESERVED_ID_PREFIXES) {
            if (jobId.startsWith(prefix)) {
                throw new InvalidRequestException("detail.jobId", "is \"" + printable(jobId) + "\": ids starting with \""
                        + prefix + "\" are reserved for Lapse's own jobs", "an id that starts with none of " + RESERVED_ID_PREFIXES);
            }
        }
    }

    /**
     * The id of a job to cancel or reschedule. A licence's deactivation job is refused: it follows the
     * subscription events, and a plain cancel would leave the licence cancelled with nothing to deactivate it.
     * (A recurring firing's retry is a plain "Job Due" job and can be cancelled or moved like any other.)
     */
    private static String userJobId(JsonNode detail) {
        String jobId = id(detail, "jobId", MAX_ID_LENGTH);
        if (jobId.startsWith(PaidLicenses.JOB_ID_PREFIX)) {
            throw new InvalidRequestException("detail.jobId", "is \"" + printable(jobId) + "\", a licence's deactivation job:"
                    + " reserved, it is controlled by subscription events",
                    "the id of a job you scheduled; for a licence, send \"" + JobRequest.SUBSCRIPTION_REACTIVATED
                            + "\" or a new \"" + JobRequest.SUBSCRIPTION_CANCELLED + "\"");
        }
        return jobId;
    }

    /**
     * Where a subscription event stands among the licence's events (see {@link SubscriptionOrder}):
     * {@code occurredAt} to the millisecond if given, else the event's {@code time} or the call time, to the second.
     */
    private SubscriptionOrder.Stamp order(JsonNode root, JsonNode detail, SubscriptionOrder.Intent intent) {
        OptionalLong version = OptionalLong.empty();
        JsonNode v = detail.get("version");
        if (v != null && !v.isNull()) {
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new InvalidRequestException("detail.version", "is " + kind(v) + " " + printable(v.toString()), VERSION_ACCEPTED);
            }
            version = OptionalLong.of(v.asLong());
        }
        Instant now = clock.instant();
        if (detail.hasNonNull("occurredAt")) {
            Instant at = parseInstant(detail, "occurredAt", ORDER_ACCEPTED);
            checkOrderTime(at, now, "detail.occurredAt", ORDER_ACCEPTED);
            return new SubscriptionOrder.Stamp(intent, at.truncatedTo(ChronoUnit.MILLIS), false, version);
        }
        boolean hasTime = root.hasNonNull("time");
        Instant at = hasTime ? eventTime(root) : now;
        if (hasTime) {
            checkOrderTime(at, now, "time", "the event's own time: " + ORDER_ACCEPTED);
        }
        return new SubscriptionOrder.Stamp(intent, at.truncatedTo(ChronoUnit.SECONDS), true, version);
    }

    private static void checkOrderTime(Instant at, Instant now, String field, String accepted) {
        if (at.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new InvalidRequestException(field, "is " + at + ", more than " + MAX_CLOCK_SKEW.toMinutes()
                    + " minutes ahead of now (" + now.truncatedTo(ChronoUnit.SECONDS) + "): it would order every later event"
                    + " for this licence before it", accepted);
        }
        if (at.isBefore(now.minus(MAX_HORIZON))) {
            throw new InvalidRequestException(field, "is " + at + ", more than " + MAX_HORIZON.toDays() + " days ago", accepted);
        }
    }

    /** Lone UTF-16 surrogates are not Unicode: they cannot be stored or sent as sent, so they are refused, naming the field. */
    private static void refuseLoneSurrogates(JsonNode node, String path) {
        if (node.isTextual()) {
            int at = loneSurrogate(node.textValue());
            if (at >= 0) {
                throw new InvalidRequestException(path, String.format("holds a lone UTF-16 surrogate \\u%04x at character %d, which is not"
                        + " valid Unicode and cannot be stored or sent as given", (int) node.textValue().charAt(at), at),
                        "text of valid Unicode: a surrogate escape only as a pair, e.g. \\ud83d\\ude00");
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseLoneSurrogates(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (loneSurrogate(field.getKey()) >= 0) {
                    throw new InvalidRequestException(path.isEmpty() ? "(request)" : path, "has a key \"" + printable(field.getKey())
                            + "\" holding a lone UTF-16 surrogate, which is not valid Unicode",
                            "keys of valid Unicode: a surrogate escape only as a pair, e.g. \\ud83d\\ude00");
                }
                String child = key(field.getKey());
                refuseLoneSurrogates(field.getValue(), path.isEmpty() ? child.substring(child.startsWith(".") ? 1 : 0) : path + child);
            }
        }
    }

    /** The index of the first surrogate that is not half of a valid pair, or -1. */
    static int loneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
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

    private static void allowOnly(JsonNode node, String path, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException(path + key(name), "is not a known field",
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
        if (PaidLicenses.JOB_TYPE.equals(value)) {
            throw new InvalidRequestException("detail.jobType", "is \"" + value + "\", reserved for the deactivation Lapse schedules"
                    + " itself on \"" + JobRequest.SUBSCRIPTION_CANCELLED + "\"",
                    "any other job type name; to deactivate a licence when its paid period ends, send \""
                            + JobRequest.SUBSCRIPTION_CANCELLED + "\"");
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
            return JobRequest.Due.at(instant(detail, "dueAt"));
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
        return new JobRequest.Due(due, "delay:" + delay, "delay:" + delay + "@" + base);
    }

    private Instant instant(JsonNode detail, String name) {
        Instant at = parseInstant(detail, name, INSTANT_ACCEPTED);
        checkBounds(at, "detail." + name, "", INSTANT_ACCEPTED);
        return at;
    }

    private static Instant parseInstant(JsonNode detail, String name, String accepted) {
        String text = text(detail, name, "detail." + name, accepted);
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("detail." + name, "is \"" + printable(text) + "\", not an ISO-8601 instant", accepted);
        }
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
        allowOnly(retry, "detail.retry", Set.of("maxAttempts", "baseDelaySeconds", "maxDelaySeconds"));
        RetryPolicy d = RetryPolicy.DEFAULT;
        long maxAttempts = integer(retry, "maxAttempts", d.maxAttempts(), RetryPolicy.MAX_ATTEMPTS_ACCEPTED);
        long base = integer(retry, "baseDelaySeconds", d.baseDelay().toSeconds(), RetryPolicy.BASE_DELAY_ACCEPTED);
        long max = integer(retry, "maxDelaySeconds", Math.max(base, d.maxDelay().toSeconds()), RetryPolicy.MAX_DELAY_ACCEPTED);
        try {
            return Optional.of(RetryPolicy.of(maxAttempts, base, max));
        } catch (InvalidRequestException e) {
            throw e.under("detail");
        }
    }

    /** A whole number of a retry field; anything else is refused with that field's own range. */
    private static long integer(JsonNode node, String name, long fallback, String accepted) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
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
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                out.append(c).append(value.charAt(++i));
            } else {
                out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return value.length() > 80 ? out + "…(" + value.length() + " chars)" : out.toString();
    }
}
