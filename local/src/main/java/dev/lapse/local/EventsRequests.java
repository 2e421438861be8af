package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Reading the fields of an EventBridge API request, refused as EventBridge refuses them. */
final class EventsRequests {
    private static final Pattern NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    private EventsRequests() {
    }

    /** The bus an EventBusName (name, ARN or empty) names. */
    static String busName(String bus) {
        if (bus.isEmpty()) {
            return "default";
        }
        return bus.startsWith("arn:") ? bus.substring(bus.lastIndexOf('/') + 1) : bus;
    }

    /** One page of a List call (Limit, NextToken), added to the answer with the next NextToken. */
    static <T> void page(JsonNode request, List<T> items, Consumer<T> add, ObjectNode answer) {
        int limit = request.path("Limit").asInt(100);
        if (limit < 1 || limit > 100) {
            throw AwsError.validation("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint: Member must be between 1 and 100");
        }
        int from = 0;
        if (request.hasNonNull("NextToken")) {
            try {
                from = Integer.parseInt(request.get("NextToken").asText());
            } catch (NumberFormatException e) {
                throw AwsError.validation("The NextToken is not valid: pass the NextToken of the previous answer.");
            }
        }
        int to = Math.min(items.size(), from + limit);
        for (int i = from; i < to; i++) {
            add.accept(items.get(i));
        }
        if (to < items.size()) {
            answer.put("NextToken", Integer.toString(to));
        }
    }

    /** A required rule or target name. */
    static String name(JsonNode request, String field, String wireName) {
        String value = text(request, field);
        if (value == null) {
            throw AwsError.validation("1 validation error detected: Value null at '" + wireName + "' failed to satisfy constraint: Member must not be null");
        }
        if (!NAME.matcher(value).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + value + "' at '" + wireName + "' failed to satisfy constraint:"
                    + " Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64");
        }
        return value;
    }

    /** An optional string field; null when absent. */
    static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw AwsError.badRequest("SerializationException", field + " must be a string, not " + value.getNodeType());
        }
        return value.asText();
    }

}
