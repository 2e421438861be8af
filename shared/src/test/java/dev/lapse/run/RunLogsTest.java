package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.observe.LapseLogging;
import dev.lapse.observe.LogFields;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The log lines of real runs (the runner and a batch on fakes, through Lapse's SLF4J provider) are JSON with the job's fields. */
class RunLogsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, Duration.ofSeconds(60));
    final InMemory.Table table = new InMemory.Table(ledger);
    final JobRunner runner = new JobRunner(table, ledger, type -> action(), RetryPolicies.defaults(), new InMemory.DeadLetters(),
            new InMemory.Events(), clock, () -> 0.5);
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    static JobAction action() {
        return (job, run) -> {
            if (job.type().equals("always.fails")) {
                throw new IllegalStateException("endpoint said no");
            }
            return new JobAction.Result("did it", false);
        };
    }

    static Job job(String id, String type, int attempt) {
        return new Job(id, type, "{}", T0.minusMillis(250), T0.toString(), "occ-" + id, attempt, Optional.empty(), List.of(),
                T0.minusSeconds(600), "tester");
    }

    @BeforeEach
    void captureJsonLines() {
        LapseLogging.useFormat(LapseLogging.Format.JSON);
        LapseLogging.sendTo(lines::add);
        MDC.clear();
    }

    @AfterEach
    void backToStandardOutput() {
        LapseLogging.sendTo(null);
        LapseLogging.useFormat(LapseLogging.Format.TEXT);
        MDC.clear();
    }

    List<JsonNode> parsed() {
        synchronized (lines) {
            return lines.stream().map(line -> {
                try {
                    return Json.MAPPER.readTree(line);
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }).toList();
        }
    }

    @Test
    void aRunAndARetryLogJsonLinesWithTheJobsFieldsAndTheRequestId() {
        // Given a Lambda request being handled
        try (LogFields.Scope request = LogFields.forRequest("req-1")) {
            // When one job runs and another fails its attempt 2 (a retry is scheduled)
            runner.run(job("job-ok", "report.daily", 1), "ttl");
            runner.run(job("job-bad", "always.fails", 2), "due-jobs-queue");
            // Then, after each job, only the request's field is left
            assertThat(LogFields.current()).containsExactly(java.util.Map.entry("AWSRequestId", "req-1"));
        }
        assertThat(LogFields.current()).isEmpty();

        List<JsonNode> logged = parsed();
        JsonNode ran = logged.stream().filter(l -> l.path("message").asText().contains("ran via")).findFirst().orElseThrow();
        assertThat(ran.path("level").asText()).isEqualTo("INFO");
        assertThat(ran.path("logger").asText()).isEqualTo(JobRunner.class.getName());
        assertThat(Instant.parse(ran.path("timestamp").asText())).isNotNull();
        assertThat(ran.path("jobId").asText()).isEqualTo("job-ok");
        assertThat(ran.path("jobType").asText()).isEqualTo("report.daily");
        assertThat(ran.path("occurrenceId").asText()).isEqualTo("occ-job-ok");
        assertThat(ran.path("attempt").isInt()).as("attempt is a number").isTrue();
        assertThat(ran.path("attempt").asInt()).isEqualTo(1);
        assertThat(ran.path("trigger").asText()).isEqualTo("ttl");
        assertThat(ran.path("AWSRequestId").asText()).isEqualTo("req-1");

        JsonNode retry = logged.stream().filter(l -> l.path("message").asText().contains("failed")).findFirst().orElseThrow();
        assertThat(retry.path("level").asText()).isEqualTo("WARN");
        assertThat(retry.path("jobId").asText()).isEqualTo("job-bad");
        assertThat(retry.path("jobType").asText()).isEqualTo("always.fails");
        assertThat(retry.path("attempt").asInt()).isEqualTo(2);
        assertThat(retry.path("trigger").asText()).isEqualTo("due-jobs-queue");
        assertThat(retry.path("AWSRequestId").asText()).isEqualTo("req-1");
    }

    @Test
    void eachRecordOfAConcurrentBatchLogsItsOwnJobAndWorkersKeepNothingAfterwards() {
        int size = 3 * PartialBatch.CONCURRENCY;
        // Given two invocations in a row, whose batches run on the same pool of workers
        for (String requestId : List.of("req-a", "req-b")) {
            List<Job> jobs = IntStream.range(0, size).mapToObj(i -> job(requestId + "-job-" + i, "report.daily", 1)).toList();
            try (LogFields.Scope request = LogFields.forRequest(requestId)) {
                PartialBatch.failedIds(jobs, Job::jobId, j -> runner.run(j, "ttl"));
            }
        }
        // Then every line of a run names the job of its own message, and the request it ran in
        List<JsonNode> ranLines = parsed().stream().filter(l -> l.path("message").asText().contains("ran via")).toList();
        assertThat(ranLines).hasSize(2 * size);
        for (JsonNode line : ranLines) {
            String jobId = line.path("jobId").asText();
            assertThat(line.path("message").asText()).startsWith("job " + jobId + " ");
            assertThat(line.path("occurrenceId").asText()).isEqualTo("occ-" + jobId);
            assertThat(line.path("AWSRequestId").asText()).as(line.toString()).isEqualTo(jobId.substring(0, "req-a".length()));
        }
        // and the calling thread is left as it was
        assertThat(LogFields.current()).isEmpty();
    }
}
