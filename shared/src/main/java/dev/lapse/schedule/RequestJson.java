package dev.lapse.schedule;

import static dev.lapse.schedule.Fields.key;
import static dev.lapse.schedule.Fields.printable;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a request's JSON text, refusing what cannot arrive as sent: not JSON, beyond a size limit,
 * a key given twice, a negative zero, a lone UTF-16 surrogate. Each error names the path of the value.
 */
final class RequestJson {
    static final String SHAPE = "a JSON object with \"detail-type\" and \"detail\"";
    private static final String LIMITS_ACCEPTED = "a JSON object with numbers of at most " + Json.MAX_NUMBER_LENGTH
            + " digits, strings of at most " + Json.MAX_STRING_LENGTH + " characters, nested at most " + Json.MAX_NESTING_DEPTH
            + " levels (a payload: at most " + JobFields.MAX_PAYLOAD_BYTES + " bytes and " + JobFields.MAX_PAYLOAD_DEPTH + " levels)";

    private RequestJson() {
    }

    /**
     * Reads a request's JSON, or refuses it naming what is wrong: not JSON, beyond a size limit (named),
     * or a key given twice (named by its path), which would otherwise silently keep only the last value.
     */
    static JsonNode read(String json) {
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
                throw new InvalidRequestException(path(p.getParsingContext()), "is given twice in its object",
                        "each key at most once in an object: the value that was meant cannot be guessed");
            }
            throw new InvalidRequestException("(request)", "is not valid JSON: " + printable(Json.problem(e)), SHAPE);
        } catch (NumberFormatException e) {
            refuseUnkeepableNumber(json); // a number whose exponent no exact number can hold, e.g. 1e9999999999
            throw new InvalidRequestException("(request)", "holds a number that cannot be kept exactly", LIMITS_ACCEPTED);
        }
    }

    /** Refuses, naming its path, the first number that cannot be kept as an exact decimal (its exponent is out of range). */
    private static void refuseUnkeepableNumber(String json) {
        try (JsonParser p = Json.MAPPER.createParser(json)) {
            for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
                if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                    try {
                        p.getDecimalValue();
                    } catch (NumberFormatException e) {
                        throw new InvalidRequestException(path(p.getParsingContext()), "is " + printable(p.getText())
                                + ", a number whose exponent is out of range", "a number whose exponent has at most 9 digits, e.g. 1e400");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the request was read once already", e);
        }
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
        } catch (IOException e) {
            throw new UncheckedIOException("the request was read once already", e);
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

    /** Lone UTF-16 surrogates are not Unicode: they cannot be stored or sent as sent, so they are refused, naming the field. */
    static void refuseLoneSurrogates(JsonNode node, String path) {
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
}
