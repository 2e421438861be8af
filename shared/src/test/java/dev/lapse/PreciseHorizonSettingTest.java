package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.run.SqsDueJobsQueue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreciseHorizonSettingTest {
    @Test
    void readsTheHorizonFromNinetyToNineHundredSeconds() {
        assertThat(Lapse.Settings.preciseHorizon("90", SqsDueJobsQueue.MIN_HORIZON)).isEqualTo(Duration.ofSeconds(90));
        assertThat(Lapse.Settings.preciseHorizon(" 900 ", SqsDueJobsQueue.MIN_HORIZON)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void refusesAHorizonOutsideTheRangeNamingTheVariableAndWhatIsAccepted() {
        for (String value : new String[] {"89", "901", "soon"}) {
            assertThatThrownBy(() -> Lapse.Settings.preciseHorizon(value, SqsDueJobsQueue.MIN_HORIZON)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PRECISE_HORIZON_SECONDS is \"" + value + "\"")
                    .hasMessageContaining("an integer from 90 to 900");
        }
    }

    @Test
    void theShortestHorizonIsTheSweepsPeriodAnd30SecondsEveryMinuteUnlessTheLocalRuntimesTestsSweepMoreOften() {
        assertThat(SqsDueJobsQueue.minHorizon(null)).isEqualTo(Duration.ofSeconds(90));
        assertThat(SqsDueJobsQueue.minHorizon(" ")).as("blank, as unset").isEqualTo(Duration.ofSeconds(90));
        assertThat(SqsDueJobsQueue.minHorizon("5")).isEqualTo(Duration.ofSeconds(35));
        assertThat(SqsDueJobsQueue.minHorizon(" 60 ")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SqsDueJobsQueue.minHorizon("1")).isEqualTo(Duration.ofSeconds(31));
        for (String value : new String[] {"0", "61", "often"}) {
            assertThatThrownBy(() -> SqsDueJobsQueue.minHorizon(value)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("environment variable SWEEP_PERIOD_SECONDS is \"" + value + "\"; accepted: an integer from 1 to 60, or unset"
                            + " (the sweep every minute, as deployed)");
        }
    }

    @Test
    void theFunctionsSettingsReadTheHorizonAgainstTheSweepsPeriod() {
        Map<String, String> env = Map.of("JOBS_TABLE", "j", "EXECUTIONS_TABLE", "e", "LICENCES_TABLE", "l", "DEAD_LETTER_QUEUE_URL", "d",
                "PRECISE_HORIZON_SECONDS", "35");
        assertThatThrownBy(() -> Lapse.Settings.fromEnvironment(env)).hasMessageContaining("an integer from 90 to 900");
        Map<String, String> fast = new java.util.HashMap<>(env);
        fast.put("SWEEP_PERIOD_SECONDS", "5");

        assertThat(Lapse.Settings.fromEnvironment(fast).preciseHorizon()).isEqualTo(Duration.ofSeconds(35));
        fast.put("PRECISE_HORIZON_SECONDS", "34");
        assertThatThrownBy(() -> Lapse.Settings.fromEnvironment(fast)).hasMessageContaining("an integer from 35 to 900");
    }
}
