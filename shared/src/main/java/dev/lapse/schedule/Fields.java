package dev.lapse.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.json.Json;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The vocabulary of a request's field errors: how a field's path and a value itself are shown (a value's kind:
 * {@link Json#kind}), and the reads every concept shares (a required string, an id, the allowed keys of an object).
 */
final class Fields {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]+");
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");
    private static final int SHOWN_CHARACTERS = 80;

    private Fields() {
    }

    /** A path segment for an object key: {@code .name}, or {@code ["odd key"]} for a key that is not a plain name. */
    static String key(String name) {
        return name != null && PLAIN_KEY.matcher(name).matches() ? "." + name : "[\"" + printable(String.valueOf(name)) + "\"]";
    }

    /** Refuses any key of {@code node} (at {@code path}) that is not in {@code allowed}. */
    static void allowOnly(JsonNode node, String path, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException(path + key(name), "is not a known field",
                        "only " + allowed.stream().sorted().toList());
            }
        }
    }

    /** The string {@code node.name}, reported as {@code field} when it is missing or not a string. */
    static String text(JsonNode node, String name, String field, String accepted) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new InvalidRequestException(field, "is missing", accepted);
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field, "is " + Json.kind(value) + ", not a string", accepted);
        }
        return value.asText();
    }

    /** An id in {@code detail.name}: 1 to {@code maxLength} characters of {@link #ID}. */
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

    /** Shows a value in an error without letting control characters or megabytes into the log. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < SHOWN_CHARACTERS; i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                out.append(c).append(value.charAt(++i));
            } else {
                out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return value.length() > SHOWN_CHARACTERS ? out + "…(" + value.length() + " chars)" : out.toString();
    }
}
