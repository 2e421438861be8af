package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.job.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParserTest {
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private final RequestParser parser = new RequestParser(Clock.fixed(NOW, ZoneOffset.UTC));

    private static String sample(String name) throws Exception {
        return Files.readString(Path.of("..", "events", name));
    }

    @Test
    void readsTheScheduleJobSample() throws Exception {
        var request = (JobRequest.ScheduleJob) parser.parse(sample("schedule-job.json"));

        assertThat(request.jobId()).isEqualTo("invoice-reminder-42");
        assertThat(request.type()).isEqualTo("invoice.remind");
        assertThat(request.due().at()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(request.payload()).contains("INV-42");
        assertThat(request.retry()).hasValueSatisfying(p -> assertThat(p.maxAttempts()).isEqualTo(3));
        assertThat(request.requestedBy()).isEqualTo("com.example.billing");
    }

    @Test
    void aDelayCountsFromTheEventTimeSoARedeliveryIsTheSameRequest() throws Exception {
        var request = (JobRequest.ScheduleJob) parser.parse(sample("schedule-job-delay.json"));

        assertThat(request.due().at()).isEqualTo(Instant.parse("2026-12-01T08:00:10Z"));
        assertThat(request.due().spec()).isEqualTo("delay:PT10S@2026-12-01T08:00:00Z");
    }

    @Test
    void readsEveryOtherSample() throws Exception {
        assertThat(parser.parse(sample("cancel-job.json"))).isInstanceOf(JobRequest.CancelJob.class);
        assertThat(parser.parse(sample("reschedule-job.json"))).isInstanceOf(JobRequest.RescheduleJob.class);
        assertThat(parser.parse(sample("subscription-cancelled.json"))).isInstanceOf(JobRequest.SubscriptionCancelled.class);
        assertThat(parser.parse(sample("subscription-reactivated.json"))).isInstanceOf(JobRequest.SubscriptionReactivated.class);
        var direct = parser.parse(sample("direct-schedule-job.json"));
        assertThat(direct.requestedBy()).isEqualTo("direct");
    }

    @Test
    void anOffsetInstantIsNormalisedToUtc() {
        var request = (JobRequest.ScheduleJob) parser.parse(schedule("\"dueAt\": \"2026-12-01T10:00:00+01:00\""));
        assertThat(request.due().at()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    }

    @Test
    void anInstantADayInThePastIsAcceptedAndRunsAtOnce() {
        var request = (JobRequest.ScheduleJob) parser.parse(schedule("\"dueAt\": \"2026-11-30T08:00:01Z\""));
        assertThat(request.due().at()).isBefore(NOW);
    }

    private static String schedule(String dueField) {
        return "{\"detail-type\": \"Schedule Job\", \"detail\": {\"jobId\": \"j-1\", \"jobType\": \"a.b\", " + dueField + "}}";
    }

    private static String detail(String fields) {
        return "{\"detail-type\": \"Schedule Job\", \"detail\": {" + fields + "}}";
    }

    static Stream<Arguments> refused() {
        String ok = "\"jobId\": \"j-1\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"";
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        return Stream.of(
                Arguments.of("invalid JSON", "{\"detail-type\": ", "(request)"),
                Arguments.of("empty input", "", "(request)"),
                Arguments.of("a JSON array", "[]", "(request)"),
                Arguments.of("trailing garbage", detail(ok) + " x", "(request)"),
                Arguments.of("missing detail-type", "{\"detail\": {}}", "detail-type"),
                Arguments.of("unknown detail-type", "{\"detail-type\": \"Run Now\", \"detail\": {}}", "detail-type"),
                Arguments.of("detail-type a number", "{\"detail-type\": 5, \"detail\": {}}", "detail-type"),
                Arguments.of("missing detail", "{\"detail-type\": \"Schedule Job\"}", "detail"),
                Arguments.of("detail a string", "{\"detail-type\": \"Schedule Job\", \"detail\": \"x\"}", "detail"),
                Arguments.of("missing jobId", detail("\"jobType\": \"a.b\", \"delay\": \"PT1M\""), "detail.jobId"),
                Arguments.of("jobId a number", detail("\"jobId\": 7, \"jobType\": \"a.b\", \"delay\": \"PT1M\""), "detail.jobId"),
                Arguments.of("empty jobId", detail("\"jobId\": \"\", \"jobType\": \"a.b\", \"delay\": \"PT1M\""), "detail.jobId"),
                Arguments.of("jobId too long", detail("\"jobId\": \"" + "x".repeat(129) + "\", \"jobType\": \"a.b\", \"delay\": \"PT1M\""), "detail.jobId"),
                Arguments.of("control characters in jobId", detail("\"jobId\": \"a\\u0000b\\n\", \"jobType\": \"a.b\", \"delay\": \"PT1M\""), "detail.jobId"),
                Arguments.of("missing jobType", detail("\"jobId\": \"j\", \"delay\": \"PT1M\""), "detail.jobType"),
                Arguments.of("jobType with spaces", detail("\"jobId\": \"j\", \"jobType\": \"Send Mail\", \"delay\": \"PT1M\""), "detail.jobType"),
                Arguments.of("jobType upper case", detail("\"jobId\": \"j\", \"jobType\": \"Invoice.Remind\", \"delay\": \"PT1M\""), "detail.jobType"),
                Arguments.of("jobType too long", detail("\"jobId\": \"j\", \"jobType\": \"" + "a".repeat(65) + "\", \"delay\": \"PT1M\""), "detail.jobType"),
                Arguments.of("neither dueAt nor delay", detail("\"jobId\": \"j\", \"jobType\": \"a.b\""), "detail.dueAt"),
                Arguments.of("both dueAt and delay", detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"dueAt\": \"2026-12-02T00:00:00Z\""), "detail.dueAt"),
                Arguments.of("unparseable dueAt", schedule("\"dueAt\": \"tomorrow at 9\""), "detail.dueAt"),
                Arguments.of("dueAt without offset", schedule("\"dueAt\": \"2026-12-02T09:00:00\""), "detail.dueAt"),
                Arguments.of("dueAt a number", schedule("\"dueAt\": 1798761599"), "detail.dueAt"),
                Arguments.of("dueAt at the epoch", schedule("\"dueAt\": \"1970-01-01T00:00:00Z\""), "detail.dueAt"),
                Arguments.of("dueAt in year 9999", schedule("\"dueAt\": \"9999-12-31T23:59:59Z\""), "detail.dueAt"),
                Arguments.of("dueAt more than a day ago", schedule("\"dueAt\": \"2026-11-29T08:00:00Z\""), "detail.dueAt"),
                Arguments.of("unparseable delay", schedule("\"delay\": \"10 minutes\""), "detail.delay"),
                Arguments.of("negative delay", schedule("\"delay\": \"-PT1M\""), "detail.delay"),
                Arguments.of("delay beyond the horizon", schedule("\"delay\": \"P2000D\""), "detail.delay"),
                Arguments.of("payload an array", detail(ok + ", \"payload\": [1,2]"), "detail.payload"),
                Arguments.of("payload a string", detail(ok + ", \"payload\": \"x\""), "detail.payload"),
                Arguments.of("payload too large", detail(ok + ", \"payload\": {\"blob\": \"" + "x".repeat(70_000) + "\"}"), "detail.payload"),
                Arguments.of("payload nested too deep", detail(ok + ", \"payload\": " + deep), "detail.payload"),
                Arguments.of("hostile nesting beyond the parser limit", detail(ok + ", \"payload\": " + "[".repeat(5000)), "(request)"),
                Arguments.of("unknown field", detail(ok + ", \"dueat\": \"x\""), "detail.dueat"),
                Arguments.of("retry not an object", detail(ok + ", \"retry\": 3"), "detail.retry"),
                Arguments.of("retry maxAttempts zero", detail(ok + ", \"retry\": {\"maxAttempts\": 0}"), "retry.maxAttempts"),
                Arguments.of("retry maxAttempts a string", detail(ok + ", \"retry\": {\"maxAttempts\": \"3\"}"), "detail.retry.maxAttempts"),
                Arguments.of("retry max below base", detail(ok + ", \"retry\": {\"baseDelaySeconds\": 60, \"maxDelaySeconds\": 10}"), "retry.maxDelaySeconds"),
                Arguments.of("retry unknown field", detail(ok + ", \"retry\": {\"attempts\": 3}"), "detail.attempts"),
                Arguments.of("cancel without jobId", "{\"detail-type\": \"Cancel Job\", \"detail\": {}}", "detail.jobId"),
                Arguments.of("reschedule without due", "{\"detail-type\": \"Reschedule Job\", \"detail\": {\"jobId\": \"j\"}}", "detail.dueAt"),
                Arguments.of("subscription without paidUntil",
                        "{\"detail-type\": \"Subscription Cancelled\", \"detail\": {\"licenceId\": \"L-1\"}}", "detail.paidUntil"),
                Arguments.of("licenceId too long", "{\"detail-type\": \"Subscription Reactivated\", \"detail\": {\"licenceId\": \""
                        + "L".repeat(101) + "\"}}", "detail.licenceId"),
                Arguments.of("event time at the end of time", "{\"detail-type\": \"Schedule Job\", \"time\": \"+999999999-12-31T23:59:59Z\","
                        + " \"detail\": {\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"P1825D\"}}", "time"),
                Arguments.of("an old event time that puts the delay out of bounds", "{\"detail-type\": \"Schedule Job\","
                        + " \"time\": \"2000-01-01T00:00:00Z\", \"detail\": {\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"}}",
                        "detail.delay"),
                Arguments.of("event time unparseable", "{\"detail-type\": \"Schedule Job\", \"time\": \"yesterday\", \"detail\": {" + ok + "}}", "time"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesBadInputNamingTheFieldAndWhatIsAccepted(String description, String json, String field) {
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.problem()).isNotBlank();
                    assertThat(e.accepted()).isNotBlank();
                    assertThat(e.getMessage()).doesNotContain("\u0000").hasSizeLessThan(2000);
                });
    }

    @Test
    void aPayloadAtTheSizeLimitIsAccepted() {
        String blob = "x".repeat(RequestParser.MAX_PAYLOAD_BYTES - "{\"blob\":\"\"}".length());
        var request = (JobRequest.ScheduleJob) parser.parse(detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": {\"blob\": \"" + blob + "\"}"));
        assertThat(request.payload()).hasSize(RequestParser.MAX_PAYLOAD_BYTES);
    }

    @Test
    void theFurthestAcceptedDueTimeIsTheHorizon() {
        Instant edge = NOW.plus(RequestParser.MAX_HORIZON);
        var request = (JobRequest.ScheduleJob) parser.parse(schedule("\"dueAt\": \"" + edge + "\""));
        assertThat(request.due().at()).isEqualTo(edge);
        assertThatThrownBy(() -> parser.parse(schedule("\"dueAt\": \"" + edge.plus(Duration.ofSeconds(1)) + "\"")))
                .isInstanceOf(InvalidRequestException.class);
    }
}
