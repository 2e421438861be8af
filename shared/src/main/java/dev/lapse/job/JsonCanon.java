package dev.lapse.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;

/** Compares JSON texts by value, so key order and spacing do not make two payloads differ. */
final class JsonCanon {
    private JsonCanon() {
    }

    static boolean equal(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            JsonNode left = Json.MAPPER.readTree(a);
            JsonNode right = Json.MAPPER.readTree(b);
            return left.equals(right);
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
