package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.job.InvalidRequestException;
import dev.lapse.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParserTest {
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private final RequestParser parser = new RequestParser(Clock.fixed(NOW, ZoneOffset.UTC));
    private final RequestParser afterTheSamples = new RequestParser(Clock.fixed(Instant.parse("2026-12-01T08:30:00Z"), ZoneOffset.UTC));

    private static String sample(String name) throws Exception {
        return Files.readString(Path.of("..", "events", name));
    }

    @Test
    void readsTheScheduleJobSample() throws Exception {
        var request = (JobRequest.ScheduleJob) parser.parse(sample("schedule-job.json"));

        assertThat(request.jobId()).isEqualTo("invoice-reminder-42");
        assertThat(request.type()).isEqualTo("invoice.remind");
        assertThat(request.due().at()).isEqualTo(Instant.parse("2030-12-01T09:00:00Z"));
        assertThat(request.payload()).contains("INV-42");
        assertThat(request.retry()).hasValueSatisfying(p -> assertThat(p.maxAttempts()).isEqualTo(3));
        assertThat(request.requestedBy()).isEqualTo("com.example.billing");
    }

    @Test
    void aDelayCountsFromTheEventTimeSoARedeliveryIsTheSameRequest() throws Exception {
        var request = (JobRequest.ScheduleJob) parser.parse(sample("schedule-job-delay.json"));

        assertThat(request.due().at()).isEqualTo(Instant.parse("2026-12-01T08:00:10Z"));
        assertThat(request.due().spec()).isEqualTo("delay:PT10S");
        assertThat(request.due().occurrence()).isEqualTo("delay:PT10S@2026-12-01T08:00:00Z");
    }

    @Test
    void aPaidPeriodThatEndedDaysAgoIsTakenSoTheLicenceIsDeactivatedAtOnce() {
        String cancelled = "{\"detail-type\": \"Subscription Cancelled\", \"detail\": {\"licenceId\": \"L-1\", \"paidUntil\": \"%s\"}}";
        Instant threeDaysAgo = NOW.minus(java.time.Duration.ofDays(3));

        assertThat(((JobRequest.SubscriptionCancelled) parser.parse(cancelled.formatted(threeDaysAgo))).paidUntil()).isEqualTo(threeDaysAgo);
        assertThatThrownBy(() -> parser.parse(cancelled.formatted(NOW.minus(java.time.Duration.ofDays(6 * 365)))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("detail.paidUntil");
                    assertThat(e.problem()).endsWith("more than 1825 days in the past");
                    assertThat(e.accepted()).contains("deactivates the licence at once");
                });
        assertThatThrownBy(() -> parser.parse(detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"dueAt\": \"" + threeDaysAgo + "\"")))
                .as("a job's own dueAt keeps its bound").isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.problem()).endsWith("more than 24 hours in the past"));
    }

    @Test
    void aDurationInWeeksIsReadAsISO8601AllowsIt() {
        String delay = detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"P2W\"");
        String every = detail("\"jobId\": \"r\", \"jobType\": \"a.b\", \"recurrence\": {\"every\": \"P1W\"}");

        assertThat(((JobRequest.ScheduleJob) parser.parse(delay)).due().at()).isEqualTo(NOW.plus(java.time.Duration.ofDays(14)));
        assertThat(((JobRequest.ScheduleRecurringJob) parser.parse(every)).recurrence().every()).contains(java.time.Duration.ofDays(7));
        assertThatThrownBy(() -> parser.parse(detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"P1W2D\"")))
                .as("weeks alone, as ISO-8601 has them").isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void anEventTimeMoreThanFiveMinutesAheadIsRefusedSinceADelayWouldCountFromIt() {
        String at = "{\"detail-type\": \"Schedule Job\", \"source\": \"s\", \"id\": \"e\", \"time\": \"%s\","
                + " \"detail\": {\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT10S\"}}";

        assertThat(((JobRequest.ScheduleJob) parser.parse(at.formatted(NOW.plusSeconds(300)))).due().at()).isEqualTo(NOW.plusSeconds(310));
        assertThatThrownBy(() -> parser.parse(at.formatted(NOW.plus(java.time.Duration.ofDays(10)))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("time");
                    assertThat(e.problem()).contains("more than 5 minutes ahead of now");
                });
    }

    @Test
    void readsEveryOtherSample() throws Exception {
        RequestParser parser = afterTheSamples; // their events were sent from 08:00 to 08:30
        assertThat(parser.parse(sample("cancel-job.json"))).isInstanceOf(JobRequest.CancelJob.class);
        assertThat(parser.parse(sample("reschedule-job.json"))).isInstanceOf(JobRequest.RescheduleJob.class);
        assertThat(parser.parse(sample("subscription-cancelled.json"))).isInstanceOf(JobRequest.SubscriptionCancelled.class);
        assertThat(parser.parse(sample("subscription-reactivated.json"))).isInstanceOf(JobRequest.SubscriptionReactivated.class);
        var direct = parser.parse(sample("direct-schedule-job.json"));
        assertThat(direct.requestedBy()).isEqualTo("direct");
    }

    /**
     * The request samples, as {@code sam local invoke -e} or {@code aws lambda invoke} send them, are accepted on today's
     * clock and still a year from now (absolute times lie years ahead; the rest is relative to the call), so this fails
     * a year before one would stop working. Not {@code schedule-job-delay.json}: it is EventBridge's delivery of one
     * event, whose {@code time} its delay counts from (the test above); send that job with
     * {@code put-events-schedule-job.json}, which EventBridge stamps with the time it is sent.
     */
    @Test
    void theRequestSamplesAreAcceptedTodayAndAYearFromNow() throws Exception {
        List<String> samples;
        try (var files = Files.list(Path.of("..", "events"))) {
            samples = files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".json")).sorted().toList();
        }
        List<String> requests = new ArrayList<>();
        for (String name : samples) {
            JsonNode sample = Json.read(sample(name));
            if (sample.isObject() && RequestParser.TYPES.contains(sample.path("detail-type").asText()) && !name.equals("schedule-job-delay.json")) {
                requests.add(name);
            }
        }
        assertThat(requests).as("the request samples").hasSizeGreaterThanOrEqualTo(11)
                .contains("schedule-job.json", "reschedule-job.json", "subscription-cancelled.json", "direct-schedule-job.json");
        for (Instant at : List.of(Instant.now(), Instant.now().plus(Duration.ofDays(365)))) {
            RequestParser onThatDay = new RequestParser(Clock.fixed(at, ZoneOffset.UTC));
            for (String name : requests) {
                assertThatCode(() -> onThatDay.parse(sample(name))).as(name + " accepted on " + at).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void readsTheRecurringSamples() throws Exception {
        RequestParser parser = afterTheSamples; // their events were sent from 08:00 to 08:30
        var every = (JobRequest.ScheduleRecurringJob) parser.parse(sample("schedule-recurring-every.json"));
        assertThat(every.recurrence().every()).contains(java.time.Duration.ofSeconds(30));
        assertThat(every.recurrence().anchor()).as("one period after the event's time").isEqualTo(Instant.parse("2026-12-01T08:00:30Z"));
        assertThat(every.retry()).isPresent();
        var cron = (JobRequest.ScheduleRecurringJob) parser.parse(sample("schedule-recurring-cron.json"));
        assertThat(cron.recurrence().cron()).contains("cron(0 9 ? * MON *)");
        assertThat(cron.recurrence().zone().getId()).isEqualTo("Europe/Warsaw");
        assertThat(cron.recurrence().catchUp()).isEqualTo(dev.lapse.job.Recurrence.CatchUp.LATEST);
        assertThat(parser.parse(sample("pause-job.json"))).isEqualTo(new JobRequest.PauseJob("poll-provider-7", "com.example.crm"));
        assertThat(parser.parse(sample("resume-job.json"))).isEqualTo(new JobRequest.ResumeJob("poll-provider-7", "com.example.crm"));
        var change = (JobRequest.ChangeRecurrence) parser.parse(sample("reschedule-recurrence.json"));
        assertThat(change.recurrence().cron()).contains("cron(30 8 ? * MON-FRI *)");
    }

    @Test
    void anOffsetInstantIsNormalisedToUtc() {
        var request = (JobRequest.ScheduleJob) parser.parse(schedule("\"dueAt\": \"2026-12-01T10:00:00+01:00\""));
        assertThat(request.due().at()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    }

    @Test
    void anInstantLessThanADayInThePastIsAcceptedAsItIs() {
        var request = (JobRequest.ScheduleJob) parser.parse(schedule("\"dueAt\": \"2026-11-30T08:00:01Z\""));
        assertThat(request.due().at()).isEqualTo(Instant.parse("2026-11-30T08:00:01Z")).isBefore(NOW);
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
                Arguments.of("retry maxAttempts zero", detail(ok + ", \"retry\": {\"maxAttempts\": 0}"), "detail.retry.maxAttempts"),
                Arguments.of("retry maxAttempts a string", detail(ok + ", \"retry\": {\"maxAttempts\": \"3\"}"), "detail.retry.maxAttempts"),
                Arguments.of("retry max below base", detail(ok + ", \"retry\": {\"baseDelaySeconds\": 60, \"maxDelaySeconds\": 10}"), "detail.retry.maxDelaySeconds"),
                Arguments.of("retry unknown field", detail(ok + ", \"retry\": {\"attempts\": 3}"), "detail.retry.attempts"),
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
        String blob = "x".repeat(JobFields.MAX_PAYLOAD_BYTES - "{\"blob\":\"\"}".length());
        var request = (JobRequest.ScheduleJob) parser.parse(detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": {\"blob\": \"" + blob + "\"}"));
        assertThat(request.payload()).hasSize(JobFields.MAX_PAYLOAD_BYTES);
    }

    @Test
    void theFurthestAcceptedDueTimeIsTheHorizon() {
        Instant edge = NOW.plus(DueTimes.MAX_HORIZON);
        var request = (JobRequest.ScheduleJob) parser.parse(schedule("\"dueAt\": \"" + edge + "\""));
        assertThat(request.due().at()).isEqualTo(edge);
        assertThatThrownBy(() -> parser.parse(schedule("\"dueAt\": \"" + edge.plus(Duration.ofSeconds(1)) + "\"")))
                .isInstanceOf(InvalidRequestException.class);
    }

    // Item 12: every error names the full path of its field, and a wrong retry value gets that field's own range.

    static Stream<Arguments> wrongRetryValues() {
        String attempts = "an integer from 1 to 20";
        String base = "an integer from 1 to 604800";
        return Stream.of(
                Arguments.of("{\"maxAttempts\": 0}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": 21}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": -3}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": \"3\"}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": 2.5}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": 3.0}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": 99999999999}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": true}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"maxAttempts\": {}}", "detail.retry.maxAttempts", attempts),
                Arguments.of("{\"baseDelaySeconds\": 0}", "detail.retry.baseDelaySeconds", base),
                Arguments.of("{\"baseDelaySeconds\": \"PT1M\"}", "detail.retry.baseDelaySeconds", base),
                Arguments.of("{\"baseDelaySeconds\": 604801}", "detail.retry.baseDelaySeconds", base),
                Arguments.of("{\"baseDelaySeconds\": 99999999999}", "detail.retry.baseDelaySeconds", base),
                Arguments.of("{\"maxDelaySeconds\": 604801}", "detail.retry.maxDelaySeconds",
                        "an integer from baseDelaySeconds (30) to 604800"),
                Arguments.of("{\"baseDelaySeconds\": 60, \"maxDelaySeconds\": 10}", "detail.retry.maxDelaySeconds",
                        "an integer from baseDelaySeconds (60) to 604800"),
                Arguments.of("{\"maxDelaySeconds\": [1]}", "detail.retry.maxDelaySeconds",
                        "an integer from baseDelaySeconds to 604800"),
                Arguments.of("{\"attempts\": 3}", "detail.retry.attempts", "only [baseDelaySeconds, maxAttempts, maxDelaySeconds]"));
    }

    @ParameterizedTest(name = "retry {0}")
    @MethodSource("wrongRetryValues")
    void aWrongRetryValueNamesItsFullPathAndItsOwnRange(String retry, String field, String accepted) {
        String json = detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"retry\": " + retry);
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.accepted()).isEqualTo(accepted);
                });
    }

    @ParameterizedTest(name = "maxAttempts {0}")
    @CsvSource(delimiter = '|', value = {"3e0 | is a number written with a fraction or an exponent (read as 3), not an integer",
            "3.0 | is a number written with a fraction or an exponent (read as 3.0), not an integer"})
    void anIntegerWrittenWithAnExponentIsRefusedSayingSoNotAsIfItWereAccepted(String written, String problem) {
        String json = detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"retry\": {\"maxAttempts\": " + written + "}");
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    @Test
    void aRequestBeyondTheParsersLimitsIsToldWhichLimit() {
        String longNumber = "1".repeat(1500);
        assertThatThrownBy(() -> parser.parse(detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\","
                + " \"payload\": {\"n\": " + longNumber + "}}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.problem()).contains("number").contains("1000");
                    assertThat(e.accepted()).contains("1000 digits");
                });
        String ok = "\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": ";
        assertThatThrownBy(() -> parser.parse(detail(ok + "{\"s\": \"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem())
                        .isEqualTo("holds a string longer than " + Json.MAX_STRING_LENGTH + " characters"));
        assertThatThrownBy(() -> parser.parse(detail(ok + "[".repeat(5000))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem())
                        .isEqualTo("is nested deeper than " + Json.MAX_NESTING_DEPTH + " levels"));
    }

    @Test
    void aLoneSurrogateIsToldByItsPlaceInTheTextAndAKeyStartingWithOneIsRefused() {
        assertThatThrownBy(() -> parser.parse(withPayload("{\"s\":\"abc\\ud800\"}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).contains("\\ud800 at character 3"));
        assertThatThrownBy(() -> parser.parse(withPayload("{\"\\udc00k\":1}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("detail.payload");
                    assertThat(e.problem()).contains("lone UTF-16 surrogate");
                });
    }

    static Stream<Arguments> unknownFields() {
        return Stream.of(
                Arguments.of("Cancel Job", "\"jobId\": \"j\""),
                Arguments.of("Pause Job", "\"jobId\": \"j\""),
                Arguments.of("Resume Job", "\"jobId\": \"j\""),
                Arguments.of("Reschedule Job", "\"jobId\": \"j\", \"delay\": \"PT1M\""),
                Arguments.of("Subscription Cancelled", "\"licenceId\": \"L-1\", \"paidUntil\": \"2026-12-31T00:00:00Z\""),
                Arguments.of("Subscription Reactivated", "\"licenceId\": \"L-1\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownFields")
    void everyRequestRefusesAFieldItDoesNotTake(String detailType, String fields) {
        // without the unknown field, the request of that detail-type
        assertThat(parser.parse("{\"detail-type\": \"" + detailType + "\", \"detail\": {" + fields + "}}").getClass().getSimpleName())
                .isEqualTo(detailType.replace(" ", ""));
        assertThatThrownBy(() -> parser.parse("{\"detail-type\": \"" + detailType + "\", \"detail\": {" + fields + ", \"jobType\": \"a.b\"}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("detail.jobType");
                    assertThat(e.problem()).isEqualTo("is not a known field");
                });
    }

    @Test
    void theLimitsThemselvesAreAcceptedAndOneBeyondIsNot() {
        String ok = "\"jobId\": \"j\", \"delay\": \"PT1M\", ";
        String longest = "a".repeat(JobFields.MAX_TYPE_LENGTH);
        assertThat(((JobRequest.ScheduleJob) parser.parse(detail(ok + "\"jobType\": \"" + longest + "\""))).type()).isEqualTo(longest);
        assertThatThrownBy(() -> parser.parse(detail(ok + "\"jobType\": \"" + longest + "a\""))).hasMessageContaining("detail.jobType");

        String deepest = "{\"a\":".repeat(JobFields.MAX_PAYLOAD_DEPTH - 1) + "{}" + "}".repeat(JobFields.MAX_PAYLOAD_DEPTH - 1);
        assertThat(((JobRequest.ScheduleJob) parser.parse(withPayload(deepest))).payload()).isEqualTo(deepest);
        assertThatThrownBy(() -> parser.parse(withPayload("{\"b\":" + deepest + "}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem())
                        .isEqualTo("is nested " + (JobFields.MAX_PAYLOAD_DEPTH + 1) + " levels deep"));

        assertThat(((JobRequest.ScheduleJob) parser.parse(detail(ok + "\"jobType\": \"a.b\""))).payload()).as("no payload").isEqualTo("{}");
        assertThat(((JobRequest.ScheduleJob) parser.parse(detail(ok + "\"jobType\": \"a.b\", \"payload\": null"))).payload())
                .as("a null payload").isEqualTo("{}");

        var first = (JobRequest.SubscriptionReactivated) parser.parse(
                "{\"detail-type\": \"Subscription Reactivated\", \"detail\": {\"licenceId\": \"L-1\", \"version\": 0}}");
        assertThat(first.order().version()).as("version 0, the lowest").hasValue(0);
    }

    @Test
    void aDueTimeGivenTwiceIsToldFromOneNotGiven() {
        assertThatThrownBy(() -> parser.parse(schedule("\"delay\": \"PT1M\", \"dueAt\": \"2026-12-02T00:00:00Z\"")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).isEqualTo("is given together with detail.delay"));
        assertThatThrownBy(() -> parser.parse(schedule("\"payload\": {}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).isEqualTo("is missing (and so is detail.delay)"));
    }

    @Test
    void aDueTimeOutOfBoundsSaysWhatItWasCountedFrom() {
        assertThatThrownBy(() -> parser.parse(schedule("\"dueAt\": \"2026-11-29T08:00:00Z\"")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem())
                        .isEqualTo("gives 2026-11-29T08:00:00Z, more than 24 hours in the past"));
        assertThatThrownBy(() -> parser.parse("{\"detail-type\": \"Schedule Job\", \"time\": \"2026-11-20T00:00:00Z\","
                + " \"detail\": {\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem())
                        .isEqualTo("gives 2026-11-20T00:01:00Z (counted from the event time 2026-11-20T00:00:00Z), more than 24 hours in the past"));
    }

    @Test
    void aMissingDetailIsToldFromADetailOfTheWrongKind() {
        assertThatThrownBy(() -> parser.parse("{\"detail-type\": \"Cancel Job\"}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).isEqualTo("is missing"));
        assertThatThrownBy(() -> parser.parse("{\"detail-type\": \"Cancel Job\", \"detail\": [1]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).isEqualTo("is an array"));
    }

    // Item 3: a payload arrives exactly as sent, or is refused naming the field.

    private static String withPayload(String payload) {
        return detail("\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": " + payload);
    }

    @Test
    void numbersInThePayloadKeepEveryDigit() {
        var request = (JobRequest.ScheduleJob) parser.parse(withPayload(
                "{\"money\":12345678901234567.89,\"big\":1e400,\"tiny\":-2.5E-400,\"one\":1.0,\"cents\":0.10,\"zero\":-0.01,"
                        + "\"huge\":123456789012345678901234567890,\"max\":9007199254740993}"));

        assertThat(request.payload()).isEqualTo("{\"money\":12345678901234567.89,\"big\":1E+400,\"tiny\":-2.5E-400,"
                + "\"one\":1.0,\"cents\":0.10,\"zero\":-0.01,\"huge\":123456789012345678901234567890,\"max\":9007199254740993}");
    }

    static Stream<Arguments> unfaithfulPayloads() {
        return Stream.of(
                Arguments.of("a lone high surrogate", "{\"s\":\"\\ud800\"}", "detail.payload.s"),
                Arguments.of("a lone low surrogate deep inside", "{\"a\":[1,{\"b\":\"x\\udc00y\"}]}", "detail.payload.a[1].b"),
                Arguments.of("a surrogate pair in the wrong order", "{\"s\":\"\\udc00\\ud800\"}", "detail.payload.s"),
                Arguments.of("a lone surrogate in a key", "{\"k\\ud800\":1}", "detail.payload"),
                Arguments.of("a duplicate key", "{\"a\":1,\"a\":2}", "detail.payload.a"),
                Arguments.of("a negative zero", "{\"a\":[1,-0]}", "detail.payload.a[1]"),
                Arguments.of("a negative decimal zero", "{\"t\":-0.0e3}", "detail.payload.t"),
                Arguments.of("a duplicate key deep inside", "{\"a\":{\"b\":[{\"c\":1,\"c\":1}]}}", "detail.payload.a.b[0].c"),
                Arguments.of("an exponent no exact number holds", "{\"ok\":1e400,\"x\":[1e9999999999999]}", "detail.payload.x[0]"),
                Arguments.of("a negative exponent no exact number holds", "{\"x\":-1.5E-99999999999}", "detail.payload.x"));
    }

    @Test
    void aNumberWhoseExponentIsOutOfRangeIsRefusedSayingSoAndWhatIsAccepted() {
        assertThatThrownBy(() -> parser.parse(withPayload("{\"x\":1e9999999999999}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.problem()).isEqualTo("is 1e9999999999999, a number whose exponent is out of range");
                    assertThat(e.accepted()).isEqualTo("a number whose exponent has at most 9 digits, e.g. 1e400");
                });
    }

    @Test
    void textAfterTheRequestIsRefusedWithoutNamingJavaTypes() {
        assertThatThrownBy(() -> parser.parse(detail("\"jobId\": \"a\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"") + " {}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("(request)");
                    assertThat(e.problem()).startsWith("is not valid JSON: Trailing token").doesNotContain("com.fasterxml", "`", "Feature");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unfaithfulPayloads")
    void aPayloadThatCannotArriveAsSentIsRefusedNamingTheField(String description, String payload, String field) {
        assertThatThrownBy(() -> parser.parse(withPayload(payload)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.accepted()).isNotBlank();
                });
    }

    @Test
    void aValidSurrogatePairIsKept() {
        var request = (JobRequest.ScheduleJob) parser.parse(withPayload("{\"emoji\":\"\\ud83d\\ude00\"}"));
        assertThat(request.payload()).isEqualTo("{\"emoji\":\"\ud83d\ude00\"}");
    }

    @Test
    void aDuplicateFieldOfTheRequestIsRefusedNotSilentlyOverwritten() {
        assertThatThrownBy(() -> parser.parse(detail("\"jobId\": \"a\", \"jobId\": \"b\", \"jobType\": \"a.b\", \"delay\": \"PT1M\"")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("detail.jobId"));
    }

    // Item 4: a delay request sent again later is the same request.

    @Test
    void theSameDelaySentAtAnotherTimeIsTheSameJobButAnotherOccurrence() {
        String at8 = "{\"detail-type\": \"Schedule Job\", \"source\": \"s\", \"time\": \"2026-12-01T08:00:00Z\","
                + " \"detail\": {\"jobId\": \"j\", \"jobType\": \"a.b\", \"delay\": \"PT10S\"}}";
        var first = (JobRequest.ScheduleJob) parser.parse(at8);
        var later = (JobRequest.ScheduleJob) parser.parse(at8.replace("08:00:00Z", "08:00:01Z"));

        assertThat(later.due().spec()).as("what makes two requests the same job").isEqualTo(first.due().spec()).isEqualTo("delay:PT10S");
        assertThat(later.due().at()).isEqualTo(first.due().at().plusSeconds(1));
    }

    // Item 2: ids and types Lapse derives for its own jobs are not for user jobs.

    static Stream<Arguments> reserved() {
        String due = ", \"jobType\": \"a.b\", \"delay\": \"PT1M\"";
        return Stream.of(
                Arguments.of("a licence job id", detail("\"jobId\": \"licence-deactivate:L-1\"" + due), "detail.jobId"),
                Arguments.of("a recurring firing's id", detail("\"jobId\": \"recurring:DailyReport:2026-12-01T09:00:00Z\"" + due), "detail.jobId"),
                Arguments.of("the licence deactivation type", detail("\"jobId\": \"j\", \"jobType\": \"licence.deactivate\","
                        + " \"delay\": \"PT1M\", \"payload\": {\"licenceId\": \"L-1\"}"), "detail.jobType"),
                Arguments.of("a cancel of a licence job", "{\"detail-type\": \"Cancel Job\", \"detail\": {\"jobId\": \"licence-deactivate:L-1\"}}",
                        "detail.jobId"),
                Arguments.of("a reschedule of a licence job", "{\"detail-type\": \"Reschedule Job\", \"detail\":"
                        + " {\"jobId\": \"licence-deactivate:L-1\", \"delay\": \"PT1H\"}}", "detail.jobId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reserved")
    void lapsesOwnJobsAreNotForUserRequests(String description, String json, String field) {
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.problem()).contains("reserved");
                });
    }

    // Item 1: where a subscription event stands among its licence's events.

    private static String subscription(String detailType, String envelope, String fields) {
        return "{\"detail-type\": \"" + detailType + "\"" + envelope + ", \"detail\": {\"licenceId\": \"L-1\"" + fields + "}}";
    }

    @Test
    void anEventWithoutOccurredAtIsPlacedByItsTimeToTheSecond() {
        var cancelled = (JobRequest.SubscriptionCancelled) parser.parse(subscription("Subscription Cancelled",
                ", \"source\": \"s\", \"time\": \"2026-12-01T07:59:58Z\"", ", \"paidUntil\": \"2026-12-31T00:00:00Z\""));
        var reactivated = (JobRequest.SubscriptionReactivated) parser.parse(subscription("Subscription Reactivated",
                ", \"source\": \"s\", \"time\": \"2026-12-01T07:59:58Z\"", ""));

        assertThat(cancelled.order().toTheSecond()).isTrue();
        assertThat(cancelled.order().orderMillis()).isEqualTo(Instant.parse("2026-12-01T07:59:58Z").toEpochMilli());
        assertThat(reactivated.order().orderMillis()).as("a reactivation counts from the end of its second")
                .isEqualTo(Instant.parse("2026-12-01T07:59:58.999Z").toEpochMilli());
    }

    @Test
    void aDirectInvocationIsPlacedByItsCallTimeToTheSecond() {
        RequestParser at = new RequestParser(Clock.fixed(Instant.parse("2026-12-01T08:00:00.800Z"), ZoneOffset.UTC));
        var cancelled = (JobRequest.SubscriptionCancelled) at.parse(subscription("Subscription Cancelled", "",
                ", \"paidUntil\": \"2026-12-31T00:00:00Z\""));

        assertThat(cancelled.order().toTheSecond()).isTrue();
        assertThat(cancelled.order().orderMillis()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z").toEpochMilli());
    }

    @Test
    void occurredAtAndVersionPlaceAnEventToTheMillisecond() {
        var reactivated = (JobRequest.SubscriptionReactivated) parser.parse(subscription("Subscription Reactivated",
                ", \"source\": \"s\", \"time\": \"2026-12-01T07:59:58Z\"",
                ", \"occurredAt\": \"2026-12-01T08:59:57.125+01:00\", \"version\": 42"));

        assertThat(reactivated.order().toTheSecond()).isFalse();
        assertThat(reactivated.order().orderMillis()).isEqualTo(Instant.parse("2026-12-01T07:59:57.125Z").toEpochMilli());
        assertThat(reactivated.order().version()).hasValue(42);
    }

    static Stream<Arguments> badOrder() {
        String until = ", \"paidUntil\": \"2026-12-31T00:00:00Z\"";
        return Stream.of(
                Arguments.of("occurredAt not an instant", "", until + ", \"occurredAt\": \"yesterday\"", "detail.occurredAt"),
                Arguments.of("occurredAt without offset", "", until + ", \"occurredAt\": \"2026-12-01T08:00:00\"", "detail.occurredAt"),
                Arguments.of("occurredAt a number", "", until + ", \"occurredAt\": 1795000000000", "detail.occurredAt"),
                Arguments.of("occurredAt in the future", "", until + ", \"occurredAt\": \"2026-12-01T08:06:00Z\"", "detail.occurredAt"),
                Arguments.of("occurredAt at the end of time", "", until + ", \"occurredAt\": \"+999999999-12-31T23:59:59Z\"", "detail.occurredAt"),
                Arguments.of("occurredAt at the epoch", "", until + ", \"occurredAt\": \"1970-01-01T00:00:00Z\"", "detail.occurredAt"),
                Arguments.of("an event time far ahead", ", \"source\": \"s\", \"time\": \"2027-01-01T00:00:00Z\"", until, "time"),
                Arguments.of("version negative", "", until + ", \"version\": -1", "detail.version"),
                Arguments.of("version a string", "", until + ", \"version\": \"7\"", "detail.version"),
                Arguments.of("version a fraction", "", until + ", \"version\": 7.5", "detail.version"),
                Arguments.of("version beyond a long", "", until + ", \"version\": 9223372036854775808", "detail.version"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOrder")
    void aSubscriptionEventThatCannotBePlacedIsRefused(String description, String envelope, String fields, String field) {
        assertThatThrownBy(() -> parser.parse(subscription("Subscription Cancelled", envelope, fields)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.accepted()).isNotBlank();
                });
    }
}
