package dev.lapse.local;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cron, rate or at schedule of the template (EventBridge Scheduler ScheduleV2, or a classic
 * Schedule), with its time zone. Fires the target with the schedule's Input, substituting
 * Scheduler's context attributes.
 */
final class ScheduleSource {
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");

    private final String name;
    private final String arn;
    private final String expression;
    private final ZoneId zone;
    private final String input;
    private final Consumer<String> target;
    private final ExecutionTime cron;
    /** A rate schedule's period (null for cron and at). */
    private final Duration rate;
    /** Null, or the period this rate schedule fires at instead of its own ({@link #withRate}). */
    private Duration every;
    private final ZonedDateTime at;
    /** When the schedule was created, on the runtime's clock: a rate counts its periods from here. */
    private final Instant created;

    ScheduleSource(String name, String arn, String expression, String timezone, String input, Instant created, Consumer<String> target) {
        this.name = name;
        this.created = created;
        this.arn = arn;
        this.expression = expression;
        this.input = input;
        this.target = target;
        try {
            this.zone = ZoneId.of(timezone == null || timezone.isBlank() ? "UTC" : timezone);
        } catch (RuntimeException e) {
            throw new TemplateException(name + ": property ScheduleExpressionTimezone " + timezone + " is not a time zone id");
        }
        Matcher rateMatch = RATE.matcher(expression);
        Matcher atMatch = AT.matcher(expression);
        if (expression.startsWith("cron(") && expression.endsWith(")")) {
            try {
                this.cron = ExecutionTime.forCron(QUARTZ.parse("0 " + expression.substring(5, expression.length() - 1)));
            } catch (RuntimeException e) {
                throw new TemplateException(name + ": property ScheduleExpression " + expression + " is not a valid cron expression: "
                        + e.getMessage(), e);
            }
            this.rate = null;
            this.at = null;
        } else if (rateMatch.matches()) {
            long n = Long.parseLong(rateMatch.group(1));
            String unit = rateMatch.group(2);
            this.rate = unit.startsWith("minute") ? Duration.ofMinutes(n) : unit.startsWith("hour") ? Duration.ofHours(n) : Duration.ofDays(n);
            this.cron = null;
            this.at = null;
        } else if (atMatch.matches()) {
            this.at = java.time.LocalDateTime.parse(atMatch.group(1)).atZone(zone);
            this.cron = null;
            this.rate = null;
        } else {
            throw new TemplateException(name + ": property ScheduleExpression " + expression
                    + " is not supported (accepted: cron(...), rate(N minutes|hours|days), at(yyyy-mm-ddThh:mm:ss))");
        }
    }

    /**
     * If this is a rate schedule and {@code every} is not null, it fires every {@code every} instead, its periods still
     * counted from its creation (tests only: {@link RuntimeOptions#withSweepEvery}; the template's one rate schedule is
     * the sweep's).
     */
    ScheduleSource withRate(Duration every) {
        if (every != null && rate != null) {
            this.every = every;
        }
        return this;
    }

    /** Its name, expression and time zone, and the period it fires at here when {@link #withRate} set one. */
    String description() {
        return name + " " + expression + " (" + zone + ")" + (every == null ? "" : ", here every " + every.toSeconds() + " s");
    }

    String name() {
        return name;
    }

    /** The first firing strictly after {@code after}. */
    Optional<Instant> nextAfter(Instant after) {
        ZonedDateTime from = after.atZone(zone);
        if (cron != null) {
            return cron.nextExecution(from).map(ZonedDateTime::toInstant);
        }
        if (rate != null) {
            Duration period = every == null ? rate : every;
            long periods = Duration.between(created, after).toMillis() / period.toMillis() + 1;
            return Optional.of(created.plus(period.multipliedBy(periods)));
        }
        return at.toInstant().isAfter(after) ? Optional.of(at.toInstant()) : Optional.empty();
    }

    void fire(Instant scheduledTime) {
        String body = (input == null ? "{}" : input)
                .replace("<aws.scheduler.scheduled-time>", scheduledTime.toString())
                .replace("<aws.scheduler.schedule-arn>", arn)
                .replace("<aws.scheduler.execution-id>", UUID.randomUUID().toString())
                .replace("<aws.scheduler.attempt-number>", "1");
        target.accept(body);
    }
}
