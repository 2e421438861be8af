package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.job.RetryPolicy;
import dev.lapse.schedule.RetryField;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPoliciesTest {
    private static Job job(String type, Optional<RetryPolicy> own) {
        Instant t = Instant.parse("2026-12-01T09:00:00Z");
        return new Job("j-1", type, "{}", t, t.toString(), "occ-1", 1, own, List.of(), t, "test");
    }

    private final RetryPolicies policies = RetryPolicies.parse(
            "{\"licence.deactivate\": {\"maxAttempts\": 8, \"baseDelaySeconds\": 60, \"maxDelaySeconds\": 3600}}", RetryField::policy);

    @Test
    void aJobsOwnPolicyWinsOverItsTypesPolicy() {
        RetryPolicy own = RetryPolicy.of(2, 1, 2);
        assertThat(policies.forJob(job("licence.deactivate", Optional.of(own)))).isEqualTo(own);
    }

    @Test
    void aTypesPolicyWinsOverTheDefault() {
        assertThat(policies.forJob(job("licence.deactivate", Optional.empty()))).isEqualTo(RetryPolicy.of(8, 60, 3600));
    }

    @Test
    void otherTypesGetTheDefault() {
        assertThat(policies.forJob(job("invoice.remind", Optional.empty()))).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(RetryPolicies.parse("", RetryField::policy).forJob(job("licence.deactivate", Optional.empty()))).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void aBrokenSettingIsRefusedAtStartupWithTheSettingNamed() {
        assertThatThrownBy(() -> RetryPolicies.parse("{not json", RetryField::policy)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("RETRY_POLICIES");
        assertThatThrownBy(() -> RetryPolicies.parse("{\"a.b\": {\"maxAttempts\": 0}}", RetryField::policy)).hasMessageContaining("maxAttempts");
    }

    @Test
    void aPolicyIsReadByTheRulesOfAJobsOwnRetryNamingTheTypeAndField() {
        String[][] cases = {
                {"{\"licence.deactivate\": {\"maxAtempts\": 2}}", "RETRY_POLICIES[\"licence.deactivate\"].maxAtempts"},
                {"{\"licence.deactivate\": {\"baseDelaySeconds\": \"3\"}}", "RETRY_POLICIES[\"licence.deactivate\"].baseDelaySeconds"},
                {"{\"licence.deactivate\": {\"maxDelaySeconds\": 4.9}}", "RETRY_POLICIES[\"licence.deactivate\"].maxDelaySeconds"},
                {"{\"licence.deactivate\": {\"maxAttempts\": 21}}", "RETRY_POLICIES[\"licence.deactivate\"].maxAttempts"},
                {"{\"licence.deactivate\": 5}", "RETRY_POLICIES[\"licence.deactivate\"]"}};
        for (String[] c : cases) {
            assertThatThrownBy(() -> RetryPolicies.parse(c[0], RetryField::policy)).as(c[0])
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(c[1]));
        }
    }
}
