package dev.lapse.schedule;

import static dev.lapse.json.Json.kind;
import static dev.lapse.schedule.Fields.printable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.RetryPolicy;
import java.util.Optional;
import java.util.Set;

/** A job's own {@code retry} policy, each field optional and defaulting to {@link RetryPolicy#DEFAULT}'s. */
final class RetryField {
    private static final String ACCEPTED = "an object with maxAttempts (1-" + RetryPolicy.MAX_ATTEMPTS_LIMIT + "), baseDelaySeconds and"
            + " maxDelaySeconds (1-" + RetryPolicy.MAX_DELAY_LIMIT.toSeconds() + "), each optional";

    private RetryField() {
    }

    static Optional<RetryPolicy> retry(JsonNode detail) {
        JsonNode retry = detail.get("retry");
        if (retry == null || retry.isNull()) {
            return Optional.empty();
        }
        if (!retry.isObject()) {
            throw new InvalidRequestException("detail.retry", "is " + kind(retry), ACCEPTED);
        }
        Fields.allowOnly(retry, "detail.retry", Set.of("maxAttempts", "baseDelaySeconds", "maxDelaySeconds"));
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
        if (value.isNumber() && !value.isIntegralNumber()) {
            // 3e0 and 3.0 read as the decimal 3, which would read as if it were accepted
            throw new InvalidRequestException("detail.retry." + name, "is a number written with a fraction or an exponent (read as "
                    + printable(value.toString()) + "), not an integer", accepted);
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidRequestException("detail.retry." + name, "is " + kind(value) + " " + printable(value.toString()),
                    accepted);
        }
        return value.asLong();
    }
}
