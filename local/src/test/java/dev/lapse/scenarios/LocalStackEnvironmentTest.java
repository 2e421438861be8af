package dev.lapse.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the LocalStack environment configures the container and the template, without Docker. */
class LocalStackEnvironmentTest {

    @Test
    void theImageIsPinnedUnlessOverridden() {
        assertThat(LocalStackEnvironment.image(Map.of())).isEqualTo("localstack/localstack:4.14.0");
        assertThat(LocalStackEnvironment.image(Map.of("LAPSE_LOCALSTACK_IMAGE", " "))).isEqualTo("localstack/localstack:4.14.0");
        assertThat(LocalStackEnvironment.image(Map.of("LAPSE_LOCALSTACK_IMAGE", "localstack/localstack-pro:4.15")))
                .isEqualTo("localstack/localstack-pro:4.15");
    }

    @Test
    void ttlExpiryIsOnAndTheAuthTokenPassesThroughOnlyWhenSet() {
        assertThat(LocalStackEnvironment.containerEnvironment(Map.of()))
                .containsEntry("DYNAMODB_REMOVE_EXPIRED_ITEMS", "1")
                .doesNotContainKey("LOCALSTACK_AUTH_TOKEN");
        assertThat(LocalStackEnvironment.containerEnvironment(Map.of("LOCALSTACK_AUTH_TOKEN", "ls-123")))
                .containsEntry("LOCALSTACK_AUTH_TOKEN", "ls-123");
    }

    @Test
    void theTemplateIsDeployedWithTheAnyRemoveFilter() {
        assertThat(LocalStackEnvironment.templateParameters(Map.of("PreciseDelivery", "disabled")))
                .containsEntry("TtlDeletionFilter", "any-remove").containsEntry("PreciseDelivery", "disabled");
        assertThatThrownBy(() -> LocalStackEnvironment.templateParameters(Map.of("TtlDeletionFilter", "strict")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no userIdentity");
    }
}
