package dev.lapse.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class LapseLoggingTest {
    final Logger log = LoggerFactory.getLogger("dev.lapse.test.Example");
    final List<String> lines = new ArrayList<>();

    @AfterEach
    void settingsOfThisMachine() {
        LapseLogging.configure(System.getenv(), System::getProperty);
    }

    @Test
    void slf4jIsBoundToLapsesLogger() {
        assertThat(LoggerFactory.getILoggerFactory().getLogger("x")).isInstanceOf(LapseLogger.class);
    }

    @Test
    void theLevelComesFromLapseLogLevelThenFromLambdasApplicationLogLevel() {
        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "warn", "AWS_LAMBDA_LOG_LEVEL", "DEBUG"), name -> null);
        LapseLogging.sendTo(lines::add);
        log.info("dropped");
        log.warn("kept");
        assertThat(lines).singleElement().asString().contains("kept").doesNotContain("dropped");

        LapseLogging.configure(Map.of("AWS_LAMBDA_LOG_LEVEL", "DEBUG"), name -> null);
        assertThat(log.isDebugEnabled()).isTrue();
        assertThat(log.isTraceEnabled()).isFalse();

        LapseLogging.configure(Map.of(), name -> null);
        assertThat(log.isInfoEnabled()).isTrue();
        assertThat(log.isDebugEnabled()).as("INFO by default").isFalse();
    }

    @Test
    void inLambdaTheFormatIsJsonElsewhereTextAndAnExplicitSettingWins() {
        LapseLogging.configure(Map.of("AWS_LAMBDA_FUNCTION_NAME", "f"), name -> null);
        assertThat(LapseLogging.currentFormat()).isEqualTo(LapseLogging.Format.JSON);
        LapseLogging.configure(Map.of(), name -> null);
        assertThat(LapseLogging.currentFormat()).isEqualTo(LapseLogging.Format.TEXT);
        LapseLogging.configure(Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "LAPSE_LOG_FORMAT", "text"), name -> null);
        assertThat(LapseLogging.currentFormat()).isEqualTo(LapseLogging.Format.TEXT);
        LapseLogging.configure(Map.of(), name -> name.equals("lapse.log.format") ? "JSON" : null);
        assertThat(LapseLogging.currentFormat()).isEqualTo(LapseLogging.Format.JSON);
    }

    @Test
    void anUnknownFormatIsRefusedWithTheAcceptedOnesAndAnUnknownLevelFallsBackToInfo() {
        assertThatThrownBy(() -> LapseLogging.format("xml")).hasMessage("log format \"xml\" is not one of: json, text");
        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "loud"), name -> null);
        assertThat(log.isInfoEnabled()).isTrue();
        assertThat(log.isDebugEnabled()).isFalse();
    }

    @Test
    void anUnknownFormatInTheEnvironmentIsNamedOnStandardErrorAndTheUsualOneUsed() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            // read while the logger binds (a static initialiser): it threw before, failing every class that logs
            LapseLogging.configure(Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "LAPSE_LOG_FORMAT", "xml"), name -> null);
            assertThat(LapseLogging.currentFormat()).isEqualTo(LapseLogging.Format.JSON);
            LapseLogging.configure(Map.of("LAPSE_LOG_FORMAT", "yaml"), name -> null);
            assertThat(LapseLogging.currentFormat()).isEqualTo(LapseLogging.Format.TEXT);
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).lines()).containsExactly(
                "lapse: LAPSE_LOG_FORMAT (or lapse.log.format) is \"xml\", not one of json, text; json used",
                "lapse: LAPSE_LOG_FORMAT (or lapse.log.format) is \"yaml\", not one of json, text; text used");
    }

    @Test
    void aJsonLineCarriesTheFieldsInOrderTheAttemptAsANumberAndTheError() throws Exception {
        String line = LapseLogger.json(Instant.parse("2026-01-01T00:00:00.123456Z"), Level.ERROR, "dev.lapse.run.JobRunner", "boom",
                Map.of("extra", "x", "attempt", "3", "jobId", "j-1"), new IllegalStateException("bad"));
        JsonNode json = Json.MAPPER.readTree(line);
        assertThat(line).startsWith("{\"timestamp\":\"2026-01-01T00:00:00.123Z\",\"level\":\"ERROR\",\"logger\":\"dev.lapse.run.JobRunner\","
                + "\"message\":\"boom\",\"jobId\":\"j-1\",\"attempt\":3,\"extra\":\"x\",");
        assertThat(json.path("error").asText()).isEqualTo("java.lang.IllegalStateException: bad");
        assertThat(json.path("stackTrace").asText()).contains("at dev.lapse.observe.LapseLoggingTest");
        assertThat(line).doesNotContain("\n");
    }

    @Test
    void aTextLineIsReadableWithTheFieldsAfterTheMessage() {
        String line = LapseLogger.text(LocalTime.of(12, 0, 1, 5_000_000), Level.INFO, "dev.lapse.run.JobRunner", "job j-1 ran",
                Map.of("trigger", "ttl", "jobId", "j-1"), null);
        assertThat(line).isEqualTo("12:00:01.005 INFO  JobRunner - job j-1 ran [jobId=j-1 trigger=ttl]");
    }

    @Test
    void aLoggerTakesTheLevelOfItsLongestPrefixAndOffSilencesIt() {
        Map<String, Level> levels = LapseLogging.prefixLevels(LapseLoggingTest.class.getResource("levels-sample.properties"));

        assertThat(levels).containsEntry("org.elasticmq", Level.WARN).containsEntry("org.elasticmq.rest", Level.ERROR)
                .containsEntry("loud", Level.ERROR).containsEntry("unclear", Level.INFO);
        assertThat(levels.get("noisy")).as("off").isNull();
        assertThat(LapseLogging.threshold("org.elasticmq.rest.sqs.Server", Level.DEBUG, levels)).isEqualTo(Level.ERROR);
        assertThat(LapseLogging.threshold("org.elasticmq.actor", Level.DEBUG, levels)).isEqualTo(Level.WARN);
        assertThat(LapseLogging.threshold("org.elasticmq", Level.DEBUG, levels)).as("the prefix itself").isEqualTo(Level.WARN);
        assertThat(LapseLogging.threshold("org.elasticmqx.Other", Level.DEBUG, levels)).as("not a dotted prefix").isEqualTo(Level.DEBUG);
        assertThat(LapseLogging.threshold("noisy.Thing", Level.DEBUG, levels)).isNull();
        assertThat(LapseLogging.enabled(null, Level.ERROR)).as("nothing is written where it is off").isFalse();
        assertThat(LapseLogging.prefixLevels(null)).isEmpty();
    }

    @Test
    void aLoggersPrefixLevelIsLookedUpOncePerConfigurationWhileTheLevelSetStaysLive() {
        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "info"), name -> null, LapseLoggingTest.class.getResource("levels-sample.properties"));
        assertThat(LapseLogging.threshold("org.elasticmq.actor")).isEqualTo(Level.WARN);
        assertThat(LapseLogging.threshold("noisy.Thing")).as("off").isNull();
        assertThat(LapseLogging.threshold("dev.lapse.run.JobRunner")).isEqualTo(Level.INFO);

        LapseLogging.useLevel(Level.DEBUG);
        assertThat(LapseLogging.threshold("dev.lapse.run.JobRunner")).as("no prefix: the level set now").isEqualTo(Level.DEBUG);
        assertThat(LapseLogging.threshold("org.elasticmq.actor")).as("its prefix's, asked again").isEqualTo(Level.WARN);

        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "error"), name -> null, null);
        assertThat(LapseLogging.threshold("org.elasticmq.actor")).as("a new configuration without prefixes").isEqualTo(Level.ERROR);
        assertThat(LapseLogging.threshold("noisy.Thing")).isEqualTo(Level.ERROR);
    }

    @Test
    void eachLevelIsWrittenFromItsThresholdUp() {
        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "warn"), name -> null);
        assertThat(List.of(log.isTraceEnabled(), log.isDebugEnabled(), log.isInfoEnabled(), log.isWarnEnabled(), log.isErrorEnabled()))
                .containsExactly(false, false, false, true, true);
        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "trace"), name -> null);
        assertThat(log.isTraceEnabled()).isTrue();
        LapseLogging.configure(Map.of("LAPSE_LOG_LEVEL", "off"), name -> null);
        assertThat(log.isErrorEnabled()).as("off").isFalse();
    }

    @Test
    void aTextLineShowsFieldsBeyondTheKnownOnesAfterThemAndLeavesOutEmptyOnes() {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("tenant", "acme");
        fields.put("jobId", "j-1");
        fields.put("empty", null);
        String line = LapseLogger.text(LocalTime.of(12, 0), Level.WARN, "Runner", "late", fields, null);
        assertThat(line).isEqualTo("12:00:00.000 WARN  Runner - late [jobId=j-1 tenant=acme]");
    }
}
