package dev.lapse.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.util.Comparator;

/**
 * Compares JSON texts by value, so key order and spacing do not make two payloads differ; numbers
 * compare as written ({@code 10.5} is not {@code 10.50}, {@code 1} is not {@code 1.0}), since each
 * arrives in "Job Due" exactly as it was sent.
 */
final class JsonCanon {
    private static final Comparator<JsonNode> SCALARS = (a, b) ->
            a.isNumber() && b.isNumber() ? a.asText().compareTo(b.asText()) : a.equals(b) ? 0 : 1;

    private JsonCanon() {
    }

    static boolean equal(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            JsonNode left = Json.MAPPER.readTree(a);
            JsonNode right = Json.MAPPER.readTree(b);
            return left.equals(SCALARS, right);
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
