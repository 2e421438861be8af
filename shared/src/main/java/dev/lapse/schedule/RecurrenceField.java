package dev.lapse.schedule;

import static dev.lapse.json.Json.kind;
import static dev.lapse.schedule.Fields.printable;
import static dev.lapse.schedule.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Recurrence;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * A recurring job's {@code detail.recurrence}: {@code {"every": "PT30S"}} or
 * {@code {"cron": "cron(0 9 ? * MON *)", "timezone": "Europe/Warsaw"}}, with optional {@code startAt}, {@code endAt}
 * and {@code catchUp}.
 */
final class RecurrenceField {
    static final String FIELD = "detail.recurrence";
    static final String ACCEPTED = "an object with every (an ISO-8601 duration from PT1S to P366D) or cron (EventBridge"
            + " Scheduler's cron(minutes hours day-of-month month day-of-week year)) with timezone (an IANA time zone id,"
            + " default UTC), and optional startAt, endAt (ISO-8601 instants with offset) and catchUp (none or latest)";
    private static final String EVERY_ACCEPTED = "an ISO-8601 duration from PT1S to P366D, e.g. PT30S, PT5M, P1D";
    private static final String CRON_ACCEPTED = "cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 9 ? * MON *);"
            + " one of day-of-month and day-of-week must be ?";
    private static final String ZONE_ACCEPTED = "an IANA time zone id, e.g. Europe/Warsaw, America/New_York, UTC";
    private static final String INSTANT_ACCEPTED = "an ISO-8601 instant with offset, e.g. 2027-01-01T09:00:00+01:00";

    private final Clock clock;

    RecurrenceField(Clock clock) {
        this.clock = clock;
    }

    /** Whether the detail asks for a recurring job. */
    static boolean present(JsonNode detail) {
        return detail.has("recurrence") && !detail.get("recurrence").isNull();
    }

    /** The recurrence; an {@code every} series without {@code startAt} counts its first period from {@code base}. */
    Recurrence read(JsonNode detail, Instant base) {
        for (String other : new String[] {"dueAt", "delay"}) {
            if (detail.hasNonNull(other)) {
                throw new InvalidRequestException(FIELD, "is given together with detail." + other,
                        "either recurrence (a recurring job) or dueAt/delay (a one-time job), not both");
            }
        }
        JsonNode r = detail.get("recurrence");
        if (!r.isObject()) {
            throw new InvalidRequestException(FIELD, "is " + kind(r), ACCEPTED);
        }
        Fields.allowOnly(r, FIELD, Set.of("every", "cron", "timezone", "startAt", "endAt", "catchUp"));
        boolean every = r.hasNonNull("every");
        if (every == r.hasNonNull("cron")) {
            throw new InvalidRequestException(FIELD + ".every", every ? "is given together with " + FIELD + ".cron"
                    : "is missing (and so is " + FIELD + ".cron)", "exactly one of every (" + EVERY_ACCEPTED + ") or cron (" + CRON_ACCEPTED + ")");
        }
        Optional<Duration> period = every ? Optional.of(every(r)) : Optional.empty();
        Optional<String> cron = every ? Optional.empty() : Optional.of(cron(r));
        ZoneId zone = zone(r);
        Optional<Instant> startAt = instant(r, "startAt");
        Optional<Instant> endAt = instant(r, "endAt");
        Instant now = clock.instant();
        if (startAt.isPresent() && startAt.get().isAfter(now.plus(DueTimes.MAX_HORIZON))) {
            throw new InvalidRequestException(FIELD + ".startAt", "is " + startAt.get() + ", more than " + DueTimes.MAX_HORIZON.toDays()
                    + " days ahead", INSTANT_ACCEPTED + ", at most " + DueTimes.MAX_HORIZON.toDays() + " days ahead");
        }
        if (endAt.isPresent() && startAt.isPresent() && !endAt.get().isAfter(startAt.get())) {
            throw new InvalidRequestException(FIELD + ".endAt", "is " + endAt.get() + ", not after startAt " + startAt.get(),
                    "an instant after startAt");
        }
        if (endAt.isPresent() && !endAt.get().isAfter(now)) {
            throw new InvalidRequestException(FIELD + ".endAt", "is " + endAt.get() + ", already past", "an instant in the future");
        }
        Recurrence.CatchUp catchUp = catchUp(r);
        Instant anchor = startAt.orElseGet(() -> period.map(base::plus).orElse(base));
        Recurrence recurrence = new Recurrence(period, cron, zone, startAt, endAt, catchUp, anchor);
        if (recurrence.firstAfter(now.minusNanos(1)).isEmpty()) {
            throw new InvalidRequestException(endAt.isPresent() ? FIELD + ".endAt" : FIELD + ".cron", "leaves no occurrence after now",
                    "a recurrence with at least one fire time ahead (before endAt, if given)");
        }
        return recurrence;
    }

    private static Duration every(JsonNode r) {
        String text = text(r, "every", FIELD + ".every", EVERY_ACCEPTED);
        Duration d;
        try {
            d = DueTimes.isoDuration(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(FIELD + ".every", "is \"" + printable(text) + "\", not an ISO-8601 duration", EVERY_ACCEPTED);
        }
        if (d.getNano() % 1_000_000 != 0) {
            throw new InvalidRequestException(FIELD + ".every", "is " + text + ", finer than a millisecond", EVERY_ACCEPTED
                    + ", in whole milliseconds");
        }
        if (d.compareTo(Recurrence.MIN_EVERY) < 0 || d.compareTo(Recurrence.MAX_EVERY) > 0) {
            throw new InvalidRequestException(FIELD + ".every", "is " + text + ", out of bounds", EVERY_ACCEPTED);
        }
        return d;
    }

    private static String cron(JsonNode r) {
        String text = text(r, "cron", FIELD + ".cron", CRON_ACCEPTED).trim();
        try {
            Recurrence.cronTimes(text);
        } catch (RuntimeException e) {
            throw new InvalidRequestException(FIELD + ".cron", "is \"" + printable(text) + "\", not a valid cron expression: "
                    + printable(String.valueOf(e.getMessage())), CRON_ACCEPTED);
        }
        return text;
    }

    private static ZoneId zone(JsonNode r) {
        if (!r.hasNonNull("timezone")) {
            return ZoneId.of("UTC");
        }
        String text = text(r, "timezone", FIELD + ".timezone", ZONE_ACCEPTED);
        if (!ZoneId.getAvailableZoneIds().contains(text)) {
            throw new InvalidRequestException(FIELD + ".timezone", "is \"" + printable(text) + "\", not a known time zone id", ZONE_ACCEPTED);
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new InvalidRequestException(FIELD + ".timezone", "is \"" + printable(text) + "\", not a known time zone id", ZONE_ACCEPTED);
        }
    }

    private static Optional<Instant> instant(JsonNode r, String name) {
        if (!r.hasNonNull(name)) {
            return Optional.empty();
        }
        return Optional.of(DueTimes.parseInstant(r, name, INSTANT_ACCEPTED, FIELD + "." + name));
    }

    private static Recurrence.CatchUp catchUp(JsonNode r) {
        if (!r.hasNonNull("catchUp")) {
            return Recurrence.CatchUp.NONE;
        }
        String text = text(r, "catchUp", FIELD + ".catchUp", "none or latest");
        return switch (text) {
            case "none" -> Recurrence.CatchUp.NONE;
            case "latest" -> Recurrence.CatchUp.LATEST;
            default -> throw new InvalidRequestException(FIELD + ".catchUp", "is \"" + printable(text) + "\"",
                    "none (skip missed occurrences) or latest (run the most recent missed one once)");
        };
    }
}
