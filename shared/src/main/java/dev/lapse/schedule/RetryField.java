package dev.lapse.schedule;

import static dev.lapse.json.Json.kind;
import static dev.lapse.schedule.Fields.printable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.RetryPolicy;
import java.util.Optional;
import java.util.Set;

/**
 * A retry policy as JSON, each field optional and defaulting to {@link RetryPolicy#DEFAULT}'s: a job's own {@code retry},
 * and each policy of the template's {@code RetryPolicies} parameter, read by the same rules.
 */
public final class RetryField {
    private static final String ACCEPTED = "an object with maxAttempts (1-" + RetryPolicy.MAX_ATTEMPTS_LIMIT + "), baseDelaySeconds and"
            + " maxDelaySeconds (1-" + RetryPolicy.MAX_DELAY_LIMIT.toSeconds() + "), each optional";

    private RetryField() {
    }

    static Optional<RetryPolicy> retry(JsonNode detail) {
        JsonNode retry = detail.get("retry");
        if (retry == null || retry.isNull()) {
            return Optional.empty();
        }
        return Optional.of(policy(retry, "detail.retry"));
    }

    /** The policy {@code retry} (at {@code path}, as errors name it); anything else than such an object is refused. */
    public static RetryPolicy policy(JsonNode retry, String path) {
        if (!retry.isObject()) {
            throw new InvalidRequestException(path, "is " + kind(retry), ACCEPTED);
        }
        Fields.allowOnly(retry, path, Set.of("maxAttempts", "baseDelaySeconds", "maxDelaySeconds"));
        RetryPolicy d = RetryPolicy.DEFAULT;
        long maxAttempts = integer(retry, path, "maxAttempts", d.maxAttempts(), RetryPolicy.MAX_ATTEMPTS_ACCEPTED);
        long base = integer(retry, path, "baseDelaySeconds", d.baseDelay().toSeconds(), RetryPolicy.BASE_DELAY_ACCEPTED);
        long max = integer(retry, path, "maxDelaySeconds", Math.max(base, d.maxDelay().toSeconds()), RetryPolicy.MAX_DELAY_ACCEPTED);
        try {
            return RetryPolicy.of(maxAttempts, base, max);
        } catch (InvalidRequestException e) { // named "retry.<field>" by RetryPolicy
            throw new InvalidRequestException(path + e.field().substring("retry".length()), e.problem(), e.accepted());
        }
    }

    /** A whole number of a retry field; anything else is refused with that field's own range. */
    private static long integer(JsonNode node, String path, String name, long fallback, String accepted) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isNumber() && !value.isIntegralNumber()) {
            // 3e0 and 3.0 read as the decimal 3, which would read as if it were accepted
            throw new InvalidRequestException(path + "." + name, "is a number written with a fraction or an exponent (read as "
                    + printable(value.toString()) + "), not an integer", accepted);
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidRequestException(path + "." + name, "is " + kind(value) + " " + printable(value.toString()),
                    accepted);
        }
        return value.asLong();
    }
}
