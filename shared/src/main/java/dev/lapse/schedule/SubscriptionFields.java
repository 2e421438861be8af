package dev.lapse.schedule;

import static dev.lapse.json.Json.kind;
import static dev.lapse.schedule.Fields.printable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.licence.SubscriptionOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;

/** Where a subscription event stands among its licence's events: {@code version}, {@code occurredAt} or the event's time. */
final class SubscriptionFields {
    static final int MAX_LICENCE_ID_LENGTH = 100;
    /** How far ahead of Lapse's clock a subscription event's time may be (clock skew), so no event can lock a licence. */
    static final Duration MAX_CLOCK_SKEW = DueTimes.MAX_CLOCK_SKEW;

    private static final String ORDER_ACCEPTED = "an ISO-8601 instant with offset (milliseconds allowed), e.g."
            + " 2026-12-01T09:00:00.125Z, from " + DueTimes.MAX_HORIZON.toDays() + " days ago to " + MAX_CLOCK_SKEW.toMinutes()
            + " minutes ahead of now";
    private static final String VERSION_ACCEPTED = "an integer from 0 to " + Long.MAX_VALUE
            + ", the subscription's revision number, growing with each change";

    private final Clock clock;
    private final DueTimes dueTimes;

    SubscriptionFields(Clock clock, DueTimes dueTimes) {
        this.clock = clock;
        this.dueTimes = dueTimes;
    }

    static String licenceId(JsonNode detail) {
        return Fields.id(detail, "licenceId", MAX_LICENCE_ID_LENGTH);
    }

    /**
     * Where a subscription event stands among the licence's events (see {@link SubscriptionOrder}):
     * {@code occurredAt} to the millisecond if given, else the event's {@code time} or the call time, to the second.
     */
    SubscriptionOrder.Stamp order(JsonNode root, JsonNode detail, SubscriptionOrder.Intent intent) {
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
            Instant at = DueTimes.parseInstant(detail, "occurredAt", ORDER_ACCEPTED);
            checkOrderTime(at, now, "detail.occurredAt", ORDER_ACCEPTED);
            return new SubscriptionOrder.Stamp(intent, at.truncatedTo(ChronoUnit.MILLIS), false, version);
        }
        boolean hasTime = root.hasNonNull("time");
        Instant at = hasTime ? dueTimes.eventTime(root) : now;
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
        if (at.isBefore(now.minus(DueTimes.MAX_HORIZON))) {
            throw new InvalidRequestException(field, "is " + at + ", more than " + DueTimes.MAX_HORIZON.toDays() + " days ago", accepted);
        }
    }
}
