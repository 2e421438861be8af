package dev.lapse.schedule;

import static dev.lapse.schedule.Fields.printable;
import static dev.lapse.schedule.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** When a job is due: {@code dueAt} (an instant) or {@code delay} (counted from the event's time), within bounds of now. */
final class DueTimes {
    static final Duration MAX_PAST = dev.lapse.job.Job.MAX_PAST_DUE;
    /** How far ahead of Lapse's clock an event's time may be (clock skew). */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    static final Duration MAX_HORIZON = dev.lapse.job.Job.MAX_DUE_AHEAD;

    private static final String PAID_UNTIL_ACCEPTED = "an ISO-8601 instant with offset, e.g. 2026-12-31T23:59:59Z, no later than "
            + MAX_HORIZON.toDays() + " days ahead; a paid period that has ended (up to " + MAX_HORIZON.toDays()
            + " days ago) deactivates the licence at once";
    private static final String INSTANT_ACCEPTED = "an ISO-8601 instant with offset, e.g. 2026-12-01T09:00:00Z,"
            + " no earlier than " + MAX_PAST.toHours() + " hours ago and no later than " + MAX_HORIZON.toDays() + " days ahead";
    private static final String DELAY_ACCEPTED = "an ISO-8601 duration from PT0S to P" + MAX_HORIZON.toDays()
            + "D, e.g. PT30S, PT15M, P7DT12H";

    private final Clock clock;

    DueTimes(Clock clock) {
        this.clock = clock;
    }

    /**
     * The event's {@code time} (EventBridge sets it; a producer may set it with PutEvents' {@code Time}), or now for a direct
     * invocation. A time more than {@link #MAX_CLOCK_SKEW} ahead of now is refused: a delay or a recurrence counts from it,
     * so a producer's skewed clock would silently push its jobs back by as much.
     */
    Instant eventTime(JsonNode root) {
        JsonNode time = root.get("time");
        if (time == null || time.isNull()) {
            return clock.instant();
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(time.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("time", "is \"" + printable(time.asText()) + "\", not an instant",
                    "an ISO-8601 instant, as EventBridge sets it");
        }
        Instant now = clock.instant();
        if (at.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new InvalidRequestException("time", "is " + at + ", more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes ahead of now ("
                    + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "); a delay or a recurrence would count from it",
                    "the event's own time, at most " + MAX_CLOCK_SKEW.toMinutes() + " minutes ahead of now (leave PutEvents' Time unset)");
        }
        return at;
    }

    /** An ISO-8601 duration as Java reads one, and also in weeks ({@code P2W}), which ISO-8601 allows and Java does not. */
    static Duration isoDuration(String text) {
        java.util.regex.Matcher weeks = WEEKS.matcher(text);
        return weeks.matches() ? Duration.ofDays(7 * Long.parseLong(weeks.group(1))) : Duration.parse(text);
    }

    private static final java.util.regex.Pattern WEEKS = java.util.regex.Pattern.compile("[Pp](\\d{1,6})[Ww]");

    /** Exactly one of {@code dueAt} or {@code delay}; a delay counts from {@code base}, the event's time. */
    JobRequest.Due due(JsonNode detail, Instant base) {
        boolean hasDueAt = detail.hasNonNull("dueAt");
        boolean hasDelay = detail.hasNonNull("delay");
        if (hasDueAt == hasDelay) {
            throw new InvalidRequestException("detail.dueAt", hasDueAt ? "is given together with detail.delay"
                    : "is missing (and so is detail.delay)",
                    "exactly one of dueAt (" + INSTANT_ACCEPTED + ") or delay (" + DELAY_ACCEPTED + ")");
        }
        if (hasDueAt) {
            return JobRequest.Due.at(instant(detail, "dueAt"));
        }
        String text = text(detail, "delay", "detail.delay", DELAY_ACCEPTED);
        Duration delay;
        try {
            delay = isoDuration(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("detail.delay", "is \"" + printable(text) + "\", not an ISO-8601 duration",
                    DELAY_ACCEPTED);
        }
        if (delay.isNegative() || delay.compareTo(MAX_HORIZON) > 0) {
            throw new InvalidRequestException("detail.delay", "is " + text + ", out of bounds", DELAY_ACCEPTED);
        }
        Instant due;
        try {
            due = base.plus(delay);
        } catch (DateTimeException | ArithmeticException e) {
            throw new InvalidRequestException("time", "is " + base + ", too far from now to count a delay from",
                    "the event's own time, within " + MAX_PAST.toHours() + " hours of now");
        }
        checkBounds(due, "detail.delay", "counted from the event time " + base, DELAY_ACCEPTED);
        return new JobRequest.Due(due, "delay:" + delay, "delay:" + delay + "@" + base);
    }

    /** The instant {@code detail.name}, no more than {@link #MAX_PAST} ago nor {@link #MAX_HORIZON} ahead. */
    Instant instant(JsonNode detail, String name) {
        Instant at = parseInstant(detail, name, INSTANT_ACCEPTED);
        checkBounds(at, "detail." + name, "", INSTANT_ACCEPTED);
        return at;
    }

    /**
     * A cancelled subscription's {@code detail.paidUntil}: as a {@code dueAt}, except that a paid period that already ended
     * (up to {@link #MAX_HORIZON} ago: a cancellation delivered late, or sent again after an outage) is taken, and its
     * licence is deactivated at once, rather than refused, which would leave the licence active for good.
     */
    Instant paidUntil(JsonNode detail) {
        Instant at = parseInstant(detail, "paidUntil", PAID_UNTIL_ACCEPTED);
        checkBounds(at, "detail.paidUntil", "", PAID_UNTIL_ACCEPTED, MAX_HORIZON);
        return at;
    }

    static Instant parseInstant(JsonNode detail, String name, String accepted) {
        return parseInstant(detail, name, accepted, "detail." + name);
    }

    /** The instant {@code node.name}, reported as {@code field}. */
    static Instant parseInstant(JsonNode node, String name, String accepted, String field) {
        String text = text(node, name, field, accepted);
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(field, "is \"" + printable(text) + "\", not an ISO-8601 instant", accepted);
        }
    }

    private void checkBounds(Instant at, String field, String context, String accepted) {
        checkBounds(at, field, context, accepted, MAX_PAST);
    }

    private void checkBounds(Instant at, String field, String context, String accepted, Duration maxPast) {
        Instant now = clock.instant();
        String when = context.isEmpty() ? "" : " (" + context + ")";
        if (at.isBefore(now.minus(maxPast))) {
            throw new InvalidRequestException(field, "gives " + at + when + ", more than " + (maxPast.compareTo(Duration.ofDays(2)) < 0
                    ? maxPast.toHours() + " hours" : maxPast.toDays() + " days") + " in the past", accepted);
        }
        if (at.isAfter(now.plus(MAX_HORIZON))) {
            throw new InvalidRequestException(field, "gives " + at + when + ", more than " + MAX_HORIZON.toDays()
                    + " days ahead", accepted);
        }
    }
}
