package dev.lapse.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobTest {
    private static final Instant DUE = Instant.parse("2026-12-01T09:00:00Z");

    private static Job job(String type, String payload, String dueSpec, Optional<RetryPolicy> retry) {
        return new Job("j-1", type, payload, DUE, dueSpec, "occ", 1, retry, List.of(), DUE.minusSeconds(60), "test");
    }

    private final Job pending = job("invoice.remind", "{\"invoice\":\"INV-1\",\"amount\":10.50}", DUE.toString(), Optional.empty());

    @Test
    void theSameContentInAnotherKeyOrderIsTheSameJob() {
        Job again = job("invoice.remind", "{\"amount\":10.50, \"invoice\":\"INV-1\"}", DUE.toString(), Optional.empty());
        assertThat(pending.differencesFrom(again)).isEmpty();
        assertThat(pending.sameContentAs(again)).isTrue();
    }

    @Test
    void eachDifferingFieldIsNamedAsTheRequestNamesIt() {
        assertThat(pending.differencesFrom(job("invoice.chase", "{\"invoice\":\"INV-1\",\"amount\":10.50}", DUE.toString(), Optional.empty())))
                .containsExactly("detail.jobType");
        assertThat(pending.differencesFrom(job("invoice.remind", "{\"invoice\":\"INV-1\",\"amount\":10.5}", DUE.toString(), Optional.empty())))
                .as("10.5 is not 10.50 as sent").containsExactly("detail.payload");
        assertThat(job("a.b", "{\"n\":1}", DUE.toString(), Optional.empty())
                .differencesFrom(job("a.b", "{\"n\":1.0}", DUE.toString(), Optional.empty())))
                .as("1 is not 1.0 as sent").containsExactly("detail.payload");
        assertThat(pending.differencesFrom(job("invoice.remind", "{\"invoice\":\"INV-1\",\"amount\":10.50}", "delay:PT1M", Optional.empty())))
                .containsExactly("detail.delay");
        assertThat(pending.differencesFrom(job("invoice.remind", "{\"invoice\":\"INV-1\",\"amount\":10.50}", "2026-12-01T09:00:01Z",
                Optional.empty()))).containsExactly("detail.dueAt");
        assertThat(pending.differencesFrom(job("invoice.remind", "{\"invoice\":\"INV-1\",\"amount\":10.50}", DUE.toString(),
                Optional.of(RetryPolicy.of(3, 30, 60))))).containsExactly("detail.retry");
        assertThat(pending.differencesFrom(job("invoice.chase", "{}", "delay:PT1M", Optional.empty())))
                .containsExactly("detail.jobType", "detail.payload", "detail.delay");
    }

    @Test
    void theSameDelayIsTheSameDueRequestEvenForAJobStoredWithTheTimeItCountedFrom() {
        Job stored = job("a.b", "{}", "delay:PT10S@2026-12-01T08:59:50Z", Optional.empty());
        assertThat(stored.differencesFrom(job("a.b", "{}", "delay:PT10S", Optional.empty()))).isEmpty();
        assertThat(stored.differencesFrom(job("a.b", "{}", "delay:PT11S", Optional.empty()))).containsExactly("detail.delay");
    }
}
