package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ids stay those already stored: a request or replay delivered again after an upgrade is the same occurrence. */
class OccurrencesTest {
    @Test
    void aRequestsOccurrenceIsTheNameUuidOfItsPartsJoinedByNul() {
        assertThat(Occurrences.derive("job-1", "report.daily", "{}"))
                .isEqualTo(UUID.nameUUIDFromBytes("job-1\u0000report.daily\u0000{}".getBytes(StandardCharsets.UTF_8)).toString())
                .isNotEqualTo(Occurrences.derive("job-1", "report.daily{}"));
    }

    @Test
    void aReplaysOccurrenceDependsOnTheMessageTheJobAndItsOccurrence() {
        assertThat(Occurrences.replay("m-1", "job-1", "occ-1"))
                .isEqualTo(UUID.nameUUIDFromBytes("replay:m-1:job-1:occ-1".getBytes(StandardCharsets.UTF_8)).toString())
                .isNotEqualTo(Occurrences.replay("m-2", "job-1", "occ-1"));
    }
}
