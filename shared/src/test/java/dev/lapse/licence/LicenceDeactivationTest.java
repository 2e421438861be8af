package dev.lapse.licence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LicenceDeactivationTest {
    // no table is touched by what these cases check: the action refuses before its transaction, or is only asked about itself
    final LicenceDeactivation deactivation = new LicenceDeactivation(null, null);

    @Test
    void aDeactivationPutsNoEventOnTheBusSoItRunsAsideFromItsBatchsJoinedCall() {
        assertThat(deactivation.publishesEvents()).isFalse();
        assertThat(((JobAction) (job, run) -> null).publishesEvents()).as("an action publishes unless it says otherwise").isTrue();
    }

    @Test
    void aJobWithoutALicenceIdIsRefusedNamingThePayloadField() {
        Instant due = Instant.parse("2026-12-01T00:00:00Z");
        Job job = new Job("licence-deactivate:x", PaidLicenses.JOB_TYPE, "{\"other\":1}", due, due.toString(), "occ", 1, Optional.empty(),
                List.of(), due.minusSeconds(60), "t");

        assertThatThrownBy(() -> deactivation.run(job, new JobAction.Run(due, "ttl"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload.licenceId is missing: a licence.deactivate job needs the licence to deactivate");
    }
}
