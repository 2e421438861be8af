package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSourcesTest {
    @Test
    void queuePollersFollowTheEventSourcesMaximumConcurrencyUpToTheLocalCap() {
        assertThat(EventSources.pollers(Map.of("ScalingConfig", Map.of("MaximumConcurrency", 3)))).isEqualTo(3);
        assertThat(EventSources.pollers(Map.of("ScalingConfig", Map.of("MaximumConcurrency", 50)))).isEqualTo(EventSources.SQS_POLLERS_MAX);
        assertThat(EventSources.pollers(Map.of("BatchSize", 10))).as("Lambda starts with five").isEqualTo(5);
    }
}
