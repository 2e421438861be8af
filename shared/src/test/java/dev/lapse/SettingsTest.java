package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The functions' settings, read from the environment template.yaml gives them: every variable, its default, its refusal. */
class SettingsTest {
    static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("JOBS_TABLE", "jobs");
        env.put("EXECUTIONS_TABLE", "executions");
        env.put("LICENCES_TABLE", "licences");
        env.put("DEAD_LETTER_QUEUE_URL", "http://sqs/dlq");
        return env;
    }

    @Test
    void everyVariableIsRead() {
        Map<String, String> env = required();
        env.putAll(Map.of("EVENT_BUS_NAME", "bus", "DUE_JOBS_QUEUE_URL", "http://sqs/due", "STREAM_FAILURE_QUEUE_URL", "http://sqs/stream",
                "DUE_JOBS_REDRIVE_QUEUE_URL", "http://sqs/redrive", "LEASE_SECONDS", "45", "LEDGER_RETENTION_DAYS", "3",
                "RECONCILE_GRACE_MINUTES", "15", "REQUIRE_TTL_IDENTITY", "FALSE", "PRECISE_HORIZON_SECONDS", "120", "JOB_HISTORY_TABLE", "history"));

        Lapse.Settings settings = Lapse.Settings.fromEnvironment(env);

        assertThat(settings.jobsTable()).isEqualTo("jobs");
        assertThat(settings.executionsTable()).isEqualTo("executions");
        assertThat(settings.licencesTable()).isEqualTo("licences");
        assertThat(settings.eventBus()).isEqualTo("bus");
        assertThat(settings.deadLetterQueueUrl()).isEqualTo("http://sqs/dlq");
        assertThat(settings.dueJobsQueueUrl()).contains("http://sqs/due");
        assertThat(settings.streamFailureQueueUrl()).contains("http://sqs/stream");
        assertThat(settings.dueJobsRedriveQueueUrl()).contains("http://sqs/redrive");
        assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.ledgerRetention()).isEqualTo(Duration.ofDays(3));
        assertThat(settings.reconcileGrace()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.requireTtlIdentity()).as("REQUIRE_TTL_IDENTITY=false in any case").isFalse();
        assertThat(settings.preciseHorizon()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.jobHistoryTable()).contains("history");
    }

    @Test
    void withOnlyTheRequiredOnesTheDefaultsApply() {
        Lapse.Settings settings = Lapse.Settings.fromEnvironment(required());

        assertThat(settings.eventBus()).isEqualTo("default");
        assertThat(settings.dueJobsQueueUrl()).isEmpty();
        assertThat(settings.streamFailureQueueUrl()).isEmpty();
        assertThat(settings.dueJobsRedriveQueueUrl()).isEmpty();
        assertThat(settings.jobHistoryTable()).isEmpty();
        assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.ledgerRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.reconcileGrace()).isEqualTo(Duration.ofMinutes(60));
        assertThat(settings.requireTtlIdentity()).isTrue();
        assertThat(settings.preciseHorizon()).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void aBlankOptionalVariableIsNotSet() {
        Map<String, String> env = required();
        env.putAll(Map.of("DUE_JOBS_QUEUE_URL", "", "STREAM_FAILURE_QUEUE_URL", " ", "DUE_JOBS_REDRIVE_QUEUE_URL", "", "JOB_HISTORY_TABLE", " ",
                "REQUIRE_TTL_IDENTITY", "no"));

        Lapse.Settings settings = Lapse.Settings.fromEnvironment(env);

        assertThat(settings.dueJobsQueueUrl()).as("the template's PreciseDelivery=disabled sets it empty").isEqualTo(Optional.empty());
        assertThat(settings.streamFailureQueueUrl()).isEmpty();
        assertThat(settings.dueJobsRedriveQueueUrl()).isEmpty();
        assertThat(settings.jobHistoryTable()).isEmpty();
        assertThat(settings.requireTtlIdentity()).as("only \"false\" turns it off").isTrue();
    }

    @Test
    void aMissingOrBlankRequiredVariableIsRefusedByName() {
        for (String name : required().keySet()) {
            Map<String, String> missing = required();
            missing.remove(name);
            Map<String, String> blank = required();
            blank.put(name, "  ");
            for (Map<String, String> env : java.util.List.of(missing, blank)) {
                assertThatThrownBy(() -> Lapse.Settings.fromEnvironment(env)).isInstanceOf(IllegalStateException.class)
                        .hasMessage("environment variable " + name + " is not set; template.yaml sets it for every function");
            }
        }
    }
}
