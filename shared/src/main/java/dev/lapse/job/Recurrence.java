package dev.lapse.job;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a recurring job fires: {@code every} a fixed duration counted from {@code anchor}, or at the instants of an
 * EventBridge Scheduler {@code cron(...)} expression read in {@code zone}; never before {@code startAt} nor after
 * {@code endAt}. Daylight saving follows EventBridge Scheduler: a local time that does not exist on the
 * spring-forward day is skipped; a local time that occurs twice on the fall-back day fires once, at its first instant.
 *
 * @param anchor  the first instant of an {@code every} series (its {@code startAt}, or one period after it was scheduled)
 * @param catchUp what to do about occurrences missed while the series was paused or Lapse could not run
 */
public record Recurrence(Optional<Duration> every, Optional<String> cron, ZoneId zone, Optional<Instant> startAt,
                         Optional<Instant> endAt, CatchUp catchUp, Instant anchor) {

    /** Missed occurrences: {@code none} skips to the next future one, {@code latest} runs the most recent missed one once. */
    public enum CatchUp { NONE, LATEST }

    public static final Duration MIN_EVERY = Duration.ofSeconds(1);
    public static final Duration MAX_EVERY = Duration.ofDays(366);
    /** An occurrence more than this late (or one period, if shorter) counts as missed rather than late. */
    public static final Duration MISSED_AFTER = Duration.ofMinutes(1);
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final DateTimeFormatter OFFSET_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    /** Instants are kept to the millisecond, as every fire time is computed (and stored) in milliseconds. */
    public Recurrence {
        if (every.isPresent() == cron.isPresent()) {
            throw new IllegalArgumentException("exactly one of every or cron");
        }
        startAt = startAt.map(Recurrence::millis);
        endAt = endAt.map(Recurrence::millis);
        anchor = millis(anchor);
    }

    private static Instant millis(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** An EventBridge Scheduler cron expression, {@code cron(minutes hours day-of-month month day-of-week year)}, as cron-utils reads it. */
    public static ExecutionTime cronTimes(String expression) {
        String text = expression.trim();
        if (!text.startsWith("cron(") || !text.endsWith(")")) {
            throw new IllegalArgumentException("is not of the form cron(...)");
        }
        String fields = text.substring(5, text.length() - 1).trim();
        int count = fields.isEmpty() ? 0 : fields.split("\\s+").length;
        if (count != 6) {
            throw new IllegalArgumentException("has " + count + " fields, not 6");
        }
        String[] parts = fields.split("\\s+");
        if (parts[2].equals("?") == parts[4].equals("?")) {
            // as EventBridge Scheduler has it: one of the day fields is ?, the other says which days (the parser's own
            // message for this quoted its seven-field form, seconds first, which the request never had)
            throw new IllegalArgumentException("has day-of-month " + parts[2] + " and day-of-week " + parts[4]
                    + ": exactly one of them must be ?");
        }
        return ExecutionTime.forCron(QUARTZ.parse("0 " + fields));
    }

    /** The first fire instant strictly after {@code t}, if the series has one. */
    public Optional<Instant> firstAfter(Instant t) {
        Instant from = startAt.filter(s -> s.isAfter(t)).map(s -> s.minusNanos(1)).orElse(t);
        Optional<Instant> next = every.isPresent() ? everyAfter(from) : cronAfter(from);
        return next.filter(n -> endAt.isEmpty() || !n.isAfter(endAt.get()));
    }

    /**
     * The latest fire instant at or before {@code upTo} and not before {@code notBefore}, if there is one; of a series
     * that ended before {@code upTo}, the latest up to its {@code endAt}.
     */
    public Optional<Instant> latestBetween(Instant notBefore, Instant upTo) {
        Instant t = endAt.filter(end -> end.isBefore(upTo)).orElse(upTo);
        Instant last = null;
        if (every.isPresent()) {
            long period = every.get().toMillis();
            long since = t.toEpochMilli() - anchor.toEpochMilli();
            if (since >= 0) {
                last = anchor.plusMillis(since / period * period);
            }
        } else {
            Optional<ZonedDateTime> before = cronTimes(cron.get()).lastExecution(t.plusNanos(1).atZone(zone));
            if (before.isPresent()) {
                last = before.get().withEarlierOffsetAtOverlap().toInstant(); // a twice-occurring time counts at its first instant
            }
        }
        Instant found = last;
        return Optional.ofNullable(found).filter(l -> !l.isBefore(notBefore) && !l.isAfter(t))
                .filter(l -> startAt.isEmpty() || !l.isBefore(startAt.get()));
    }

    /**
     * The occurrence to arm when {@code candidate} is next and it is now {@code now}: the candidate itself unless it was
     * missed (more than {@link #missedAfter()} ago); a missed one is skipped to the next future fire time, or with
     * {@code catchUp: latest} the most recent missed one is armed once, due now.
     */
    public Optional<Occurrence> arm(Instant candidate, Instant now) {
        if (!candidate.isBefore(now.minus(missedAfter()))) {
            return Optional.of(new Occurrence(candidate, candidate));
        }
        if (catchUp == CatchUp.LATEST) {
            Optional<Instant> latest = latestBetween(candidate, now);
            if (latest.isPresent()) {
                return Optional.of(new Occurrence(latest.get(), now));
            }
        }
        return firstAfter(now).map(n -> new Occurrence(n, n));
    }

    /** The occurrence that follows the one scheduled for {@code ran}, as armed at {@code now}. */
    public Optional<Occurrence> after(Instant ran, Instant now) {
        return firstAfter(ran).flatMap(next -> arm(next, now));
    }

    /** How late an occurrence may be before it counts as missed: {@link #MISSED_AFTER}, or one period if that is shorter. */
    public Duration missedAfter() {
        return every.filter(e -> e.compareTo(MISSED_AFTER) < 0).orElse(MISSED_AFTER);
    }

    /** The next {@code n} fire instants after {@code t}, as ISO-8601 date-times with the zone's offset. */
    public List<String> nextRuns(Instant t, int n) {
        List<String> runs = new ArrayList<>();
        Optional<Instant> next = firstAfter(t);
        while (next.isPresent() && runs.size() < n) {
            runs.add(OFFSET_TIME.format(next.get().atZone(zone).toOffsetDateTime()));
            next = firstAfter(next.get());
        }
        return runs;
    }

    /** One occurrence: the instant it is scheduled for, and when it is due (later for a caught-up missed one). */
    public record Occurrence(Instant scheduledFor, Instant dueAt) {
    }

    private Optional<Instant> everyAfter(Instant t) {
        if (t.isBefore(anchor)) {
            return Optional.of(anchor);
        }
        long period = every.get().toMillis();
        long k = (t.toEpochMilli() - anchor.toEpochMilli()) / period + 1;
        return Optional.of(anchor.plusMillis(k * period));
    }

    private Optional<Instant> cronAfter(Instant t) {
        ExecutionTime times = cronTimes(cron.get());
        ZonedDateTime from = t.atZone(zone);
        for (int guard = 0; guard < 1000; guard++) { // a fall-back hour repeats at most 60 minutes
            Optional<ZonedDateTime> next = times.nextExecution(from);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            ZonedDateTime at = next.get();
            if (at.withEarlierOffsetAtOverlap().toInstant().isBefore(at.toInstant())) {
                from = at; // the second instant of a local time the fall-back repeats: it fired at the first
                continue;
            }
            return Optional.of(at.toInstant());
        }
        return Optional.empty();
    }
}
