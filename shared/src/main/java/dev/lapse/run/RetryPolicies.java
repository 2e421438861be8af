package dev.lapse.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.job.RetryPolicy;
import dev.lapse.json.Json;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Which retry policy applies to a job: its own, else its type's, else the default. */
public final class RetryPolicies {
    private final RetryPolicy fallback;
    private final Map<String, RetryPolicy> byType;

    public RetryPolicies(RetryPolicy fallback, Map<String, RetryPolicy> byType) {
        this.fallback = fallback;
        this.byType = Map.copyOf(byType);
    }

    public static RetryPolicies defaults() {
        return new RetryPolicies(RetryPolicy.DEFAULT, Map.of());
    }

    /**
     * Reads {@code {"licence.deactivate": {"maxAttempts": 8, "baseDelaySeconds": 60, "maxDelaySeconds": 3600}, ...}}
     * (the RETRY_POLICIES environment variable), each policy by {@code policy} (given its JSON and its path, the rules a
     * job's own {@code retry} is read by: an unknown field, a string or a fraction is refused). A blank text means no
     * per-type policies.
     */
    public static RetryPolicies parse(String json, java.util.function.BiFunction<JsonNode, String, RetryPolicy> policy) {
        if (json == null || json.isBlank()) {
            return defaults();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new InvalidRequestException("RETRY_POLICIES", "is not valid JSON", "an object of job type to retry policy");
        }
        if (!root.isObject()) {
            throw new InvalidRequestException("RETRY_POLICIES", "is not an object", "an object of job type to retry policy");
        }
        Map<String, RetryPolicy> byType = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            byType.put(e.getKey(), policy.apply(e.getValue(), "RETRY_POLICIES[\"" + e.getKey() + "\"]"));
        }
        return new RetryPolicies(RetryPolicy.DEFAULT, byType);
    }

    public RetryPolicy forJob(Job job) {
        return job.retryPolicy().orElseGet(() -> byType.getOrDefault(job.type(), fallback));
    }
}
