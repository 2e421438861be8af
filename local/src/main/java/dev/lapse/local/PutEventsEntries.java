package dev.lapse.local;

import static dev.lapse.local.EventsRequests.busName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lapse.action.EventPublisher;
import dev.lapse.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;

/**
 * PutEvents validation as EventBridge does it: a request whose entries the AWS JSON protocol would
 * not deserialize, or that is over the limits, fails whole; an entry that is not valid fails alone
 * with EventBridge's error code and message.
 */
final class PutEventsEntries {
    /** How the bus reads a Detail: as Lapse reads JSON, but as deep as PutEvents goes (Lapse's own requests stop at 200). */
    static final ObjectMapper DETAIL = detailReader();

    /** A Detail that {@link #validate} accepted, read. */
    static JsonNode detail(String text) {
        try {
            return DETAIL.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException("a Detail read once already", e);
        }
    }

    private static ObjectMapper detailReader() {
        ObjectMapper reader = Json.MAPPER.copy();
        reader.getFactory().setStreamReadConstraints(Json.readLimits(Json.MAX_EVENT_NESTING_DEPTH));
        return reader;
    }

    /** EventBridge's limits: entries per PutEvents, bytes per request. */
    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = EventPublisher.MAX_REQUEST_BYTES;

    private PutEventsEntries() {
    }

    /** The request's entries, or an {@link AwsError} failing the whole request. */
    static JsonNode checkRequest(JsonNode request) {
        JsonNode entries = request.get("Entries");
        if (entries == null || entries.isNull()) {
            throw AwsError.validation("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
        }
        if (!entries.isArray()) {
            throw AwsError.badRequest("SerializationException", "Entries must be a list of PutEventsRequestEntry, not " + entries.getNodeType());
        }
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw AwsError.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length "
                    + (entries.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_ENTRIES)
                    + " (this request has " + entries.size() + " entries; send at most " + MAX_ENTRIES + " per PutEvents call)");
        }
        long size = 0;
        for (JsonNode entry : entries) {
            checkShape(entry);
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw AwsError.validation("Total size of the entries in the request is over the limit: " + size + " bytes, limit "
                    + MAX_REQUEST_BYTES + " bytes (256 KB), counted as EventBridge does (Time, Source, DetailType, Detail, Resources)");
        }
        return entries;
    }

    /** Types the AWS JSON protocol would not deserialize fail the whole request, as they do on AWS. */
    private static void checkShape(JsonNode entry) {
        if (!entry.isObject()) {
            throw AwsError.badRequest("SerializationException", "each of Entries must be a PutEventsRequestEntry object, not " + entry.getNodeType());
        }
        for (String field : List.of("Source", "DetailType", "Detail", "EventBusName", "TraceHeader")) {
            JsonNode value = entry.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw AwsError.badRequest("SerializationException", "Entries[]." + field + " must be a string, not " + value.getNodeType());
            }
        }
        JsonNode resources = entry.get("Resources");
        if (resources != null && !resources.isNull() && (!resources.isArray() || !allText(resources))) {
            throw AwsError.badRequest("SerializationException", "Entries[].Resources must be a list of strings");
        }
        JsonNode time = entry.get("Time");
        if (time != null && !time.isNull() && !time.isNumber() && !time.isTextual()) {
            throw AwsError.badRequest("SerializationException", "Entries[].Time must be a timestamp (epoch seconds), not " + time.getNodeType());
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** EventBridge's entry size: 14 bytes for Time when set, and the UTF-8 bytes of the other fields. */
    private static long entrySize(JsonNode entry) {
        List<String> texts = new java.util.ArrayList<>();
        for (String field : List.of("Source", "DetailType", "Detail")) {
            texts.add(entry.path(field).asText(""));
        }
        entry.path("Resources").forEach(r -> texts.add(r.asText()));
        return EventPublisher.entrySize(entry.hasNonNull("Time"), texts);
    }

    /**
     * An entry's {@code Time}: the SDKs and the CLI send epoch seconds, whole or fractional (the
     * AWS JSON protocol's timestamp format); an ISO-8601 string is accepted too. The event's
     * {@code time} has whole seconds, like EventBridge's. Absent: the time of the call.
     */
    static Instant eventTime(JsonNode time) {
        if (time == null || time.isNull()) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        if (time.isNumber()) {
            return Instant.ofEpochSecond(time.decimalValue().setScale(0, RoundingMode.FLOOR).longValueExact());
        }
        String text = time.asText();
        if (text.matches("-?\\d+(\\.\\d+)?")) {
            return Instant.ofEpochSecond(new BigDecimal(text).setScale(0, RoundingMode.FLOOR).longValueExact());
        }
        return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS);
    }

    /** A failed entry's error code and message, as EventBridge reports them; null when the entry is good. */
    static String[] validate(JsonNode entry, Predicate<String> busExists) {
        for (String field : List.of("Source", "DetailType", "Detail")) {
            if (!entry.path(field).isTextual() || entry.get(field).asText().isEmpty()) {
                return new String[]{"InvalidArgument", "Parameter " + field + " is not valid. Reason: " + field + " is a required argument."};
            }
        }
        if (entry.get("Source").asText().startsWith("aws.")) {
            return new String[]{"NotAuthorizedForSourceException", "Not authorized for the source. Sources starting with \"aws.\" are"
                    + " reserved for AWS services; use your own, e.g. com.example.billing"};
        }
        try {
            eventTime(entry.get("Time"));
        } catch (DateTimeParseException | ArithmeticException e) {
            return new String[]{"InvalidArgument", "Parameter Time is not valid. Reason: " + entry.get("Time").asText()
                    + " is neither epoch seconds nor an ISO-8601 instant."};
        }
        try {
            if (!DETAIL.readTree(entry.get("Detail").asText()).isObject()) {
                return new String[]{"MalformedDetail", "Detail is malformed: it must be a JSON object."};
            }
        } catch (Exception e) {
            return new String[]{"MalformedDetail", "Detail is malformed: it is not valid JSON."};
        }
        String bus = busName(entry.path("EventBusName").asText(""));
        if (!busExists.test(bus)) {
            return new String[]{"InvalidArgument", "Event bus " + bus + " does not exist."};
        }
        return null;
    }

}
