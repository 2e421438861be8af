package dev.lapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PreciseHorizonSettingTest {
    @Test
    void readsTheHorizonFromNinetyToNineHundredSeconds() {
        assertThat(Lapse.Settings.preciseHorizon("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Lapse.Settings.preciseHorizon(" 900 ")).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void refusesAHorizonOutsideTheRangeNamingTheVariableAndWhatIsAccepted() {
        for (String value : new String[] {"89", "901", "soon"}) {
            assertThatThrownBy(() -> Lapse.Settings.preciseHorizon(value)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PRECISE_HORIZON_SECONDS is \"" + value + "\"")
                    .hasMessageContaining("an integer from 90 to 900");
        }
    }
}
