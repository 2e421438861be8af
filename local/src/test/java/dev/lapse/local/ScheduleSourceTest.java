package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleSourceTest {
    private static final Instant CREATED = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aCronInATimeZoneFollowsDaylightSavingTime() {
        ScheduleSource daily = new ScheduleSource("DailyReport", "arn", "cron(0 9 * * ? *)", "Europe/Warsaw", null, CREATED, body -> { });

        // 09:00 in Warsaw is 08:00Z in winter (CET) and 07:00Z after the switch to CEST on 2026-03-29.
        assertThat(daily.nextAfter(Instant.parse("2026-03-27T12:00:00Z"))).contains(Instant.parse("2026-03-28T08:00:00Z"));
        assertThat(daily.nextAfter(Instant.parse("2026-03-28T12:00:00Z"))).contains(Instant.parse("2026-03-29T07:00:00Z"));
    }

    @Test
    void theTemplatesReconciliationCronFiresEveryQuarterHour() {
        ScheduleSource reconcile = new ScheduleSource("LicenceReconciliation", "arn", "cron(*/15 * * * ? *)", "UTC", null, CREATED, body -> { });

        assertThat(reconcile.nextAfter(Instant.parse("2026-12-01T10:07:30Z"))).contains(Instant.parse("2026-12-01T10:15:00Z"));
        assertThat(reconcile.nextAfter(Instant.parse("2026-12-01T10:15:00Z"))).contains(Instant.parse("2026-12-01T10:30:00Z"));
    }

    @Test
    void firingSubstitutesTheSchedulerContextAttributes() {
        List<String> fired = new ArrayList<>();
        ScheduleSource s = new ScheduleSource("DailyReport", "arn:aws:scheduler:us-east-1:000000000000:schedule/default/lapse-DailyReport",
                "cron(0 9 * * ? *)", "UTC",
                "{\"jobType\": \"report.daily\", \"scheduleName\": \"<aws.scheduler.schedule-arn>\", \"scheduledTime\": \"<aws.scheduler.scheduled-time>\"}",
                CREATED, fired::add);

        s.fire(Instant.parse("2026-12-01T09:00:00Z"));

        JsonNode input = Json.read(fired.get(0));
        assertThat(input.path("scheduledTime").asText()).isEqualTo("2026-12-01T09:00:00Z");
        assertThat(input.path("scheduleName").asText()).endsWith("/lapse-DailyReport");
    }

    @Test
    void anUnsupportedExpressionOrZoneIsNamed() {
        assertThatThrownBy(() -> new ScheduleSource("Broken", "arn", "every day at nine", "UTC", null, CREATED, b -> { }))
                .isInstanceOf(TemplateException.class).hasMessageContaining("Broken").hasMessageContaining("ScheduleExpression");
        assertThatThrownBy(() -> new ScheduleSource("Broken", "arn", "cron(0 9 * * ? *)", "Mars/Olympus", null, CREATED, b -> { }))
                .isInstanceOf(TemplateException.class).hasMessageContaining("ScheduleExpressionTimezone");
    }

    @Test
    void aRateCountsItsPeriodsFromWhenTheScheduleWasCreatedOnTheRuntimesClock() {
        ScheduleSource every5 = new ScheduleSource("Poll", "arn", "rate(5 minutes)", "UTC", null, Instant.parse("2026-12-01T10:01:30Z"), b -> { });

        assertThat(every5.nextAfter(Instant.parse("2026-12-01T10:01:30Z"))).contains(Instant.parse("2026-12-01T10:06:30Z"));
        assertThat(every5.nextAfter(Instant.parse("2026-12-01T10:07:00Z"))).contains(Instant.parse("2026-12-01T10:11:30Z"));
    }

    @Test
    void aRateScheduleFiresEveryGivenPeriodForTestsAndACronKeepsItsTimes() {
        Instant created = Instant.parse("2026-12-01T10:00:00Z");
        ScheduleSource sweep = new ScheduleSource("Sweep", "arn", "rate(1 minute)", "UTC", null, created, b -> { })
                .withRate(java.time.Duration.ofSeconds(5));
        ScheduleSource cron = new ScheduleSource("Reconcile", "arn", "cron(*/15 * * * ? *)", "UTC", null, created, b -> { })
                .withRate(java.time.Duration.ofSeconds(5));
        ScheduleSource unchanged = new ScheduleSource("Sweep", "arn", "rate(1 minute)", "UTC", null, created, b -> { }).withRate(null);

        assertThat(sweep.nextAfter(created)).contains(Instant.parse("2026-12-01T10:00:05Z"));
        assertThat(sweep.nextAfter(Instant.parse("2026-12-01T10:00:07Z"))).contains(Instant.parse("2026-12-01T10:00:10Z"));
        assertThat(cron.nextAfter(created)).contains(Instant.parse("2026-12-01T10:15:00Z"));
        assertThat(unchanged.nextAfter(created)).contains(Instant.parse("2026-12-01T10:01:00Z"));
    }
}
