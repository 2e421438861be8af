package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateParametersTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    private static final Path TEMPLATE = ROOT.resolve("template.yaml");

    @Test
    void theHorizonIsRefusedBelowTheTemplatesMinimumUnlessTheSweepRunsMoreOftenAndThenDownToItsPeriodPlus30Seconds() {
        assertThatThrownBy(() -> Template.load(TEMPLATE, Map.of("PreciseHorizonSeconds", "89")))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Parameters.PreciseHorizonSeconds: value 89 is out of range; accepted: a number from 90 to 900");
        RuntimeOptions fast = RuntimeOptions.defaults(ROOT).withSweepEvery(Duration.ofSeconds(5));

        assertThat(fast.minimums()).containsExactly(Map.entry("PreciseHorizonSeconds", 35.0));
        assertThat(Template.load(TEMPLATE, Map.of("PreciseHorizonSeconds", "35"), fast.minimums()).parameters())
                .containsEntry("PreciseHorizonSeconds", "35");
        assertThatThrownBy(() -> Template.load(TEMPLATE, Map.of("PreciseHorizonSeconds", "34"), fast.minimums()))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Parameters.PreciseHorizonSeconds: value 34 is out of range; accepted: a number from 35 to 900");
        assertThatThrownBy(() -> Template.load(TEMPLATE, Map.of("PreciseHorizonSeconds", "901"), fast.minimums()))
                .isInstanceOf(TemplateException.class).hasMessageContaining("from 35 to 900");
        assertThat(RuntimeOptions.defaults(ROOT).minimums()).isEmpty();
        assertThatThrownBy(() -> Template.load(TEMPLATE, Map.of("ReconcileGraceMinutes", "-1")))
                .as("a parameter with a minimum only").isInstanceOf(TemplateException.class)
                .hasMessage("Parameters.ReconcileGraceMinutes: value -1 is out of range; accepted: a number of at least 0");
    }

    @Test
    void runtimeOptionsTakeASweepPeriodOfWholeSecondsFromOneToTheTemplatesMinute() {
        RuntimeOptions options = RuntimeOptions.defaults(ROOT);

        assertThat(options.sweepEvery()).isNull();
        assertThat(options.withSweepEvery(Duration.ofMinutes(1)).minimums()).containsExactly(Map.entry("PreciseHorizonSeconds", 90.0));
        assertThat(options.withSweepEvery(Duration.ofSeconds(5)).withFastTtl(true).withParameters(Map.of()).withSchedules(true)
                .withPorts(0, 0, 0).withHost("127.0.0.1").withoutTtl().withClock(java.time.Clock.systemUTC()).sweepEvery())
                .as("kept by every other option").isEqualTo(Duration.ofSeconds(5));
        assertThat(options.functionEnvironment()).isEmpty();
        assertThat(options.withSweepEvery(Duration.ofSeconds(5)).functionEnvironment()).containsExactly(Map.entry("SWEEP_PERIOD_SECONDS", "5"));
        for (Duration wrong : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(999), Duration.ofMillis(1500), Duration.ofSeconds(1).plusNanos(1),
                Duration.ofSeconds(61)}) {
            assertThatThrownBy(() -> options.withSweepEvery(wrong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("sweepEvery: " + wrong + " is out of range; accepted: whole seconds from 1 s to PT1M");
        }
    }

    @Test
    void aValueThatIsNotANumberIsRefusedAndAnUnknownOverrideNamed() {
        assertThatThrownBy(() -> Template.load(TEMPLATE, Map.of("PreciseHorizonSeconds", "soon")))
                .hasMessage("Parameters.PreciseHorizonSeconds: value soon is not a number");
        assertThatThrownBy(() -> Template.load(TEMPLATE, Map.of("NoSuchParameter", "1")))
                .hasMessageStartingWith("parameter override NoSuchParameter is not a parameter of the template");
    }
}
