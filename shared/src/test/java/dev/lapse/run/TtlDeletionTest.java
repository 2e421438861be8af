package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TtlDeletionTest {
    static final Instant DELETED = Instant.parse("2026-01-01T00:00:00Z");
    static final String TTL_PASSED = Long.toString(DELETED.getEpochSecond());

    @Test
    void aRemoveWithTtlsIdentityIsOneEvenWhenTheIdentityIsRequired() {
        assertThat(TtlDeletion.isTtlDeletion(true, "Service", TtlDeletion.PRINCIPAL, null, null, true)).isTrue();
        assertThat(TtlDeletion.isTtlDeletion(false, "Service", TtlDeletion.PRINCIPAL, TTL_PASSED, DELETED, false)).as("not a REMOVE").isFalse();
        assertThat(TtlDeletion.isTtlDeletion(true, "Service", "someone", TTL_PASSED, DELETED, true)).isFalse();
        assertThat(TtlDeletion.isTtlDeletion(true, "User", TtlDeletion.PRINCIPAL, TTL_PASSED, DELETED, true)).isFalse();
    }

    @Test
    void withoutTheIdentityADeleteOnOrAfterItsTtlIsOneAndOneBeforeIsNot() {
        assertThat(TtlDeletion.isTtlDeletion(true, null, null, TTL_PASSED, DELETED, false)).as("in the second of its ttl").isTrue();
        assertThat(TtlDeletion.isTtlDeletion(true, null, null, "1.767225599E9", DELETED, false)).as("a second before, as a decimal").isTrue();
        assertThat(TtlDeletion.isTtlDeletion(true, null, null, TTL_PASSED, DELETED.minusSeconds(1), false)).as("a cancel").isFalse();
    }

    @Test
    void aDeleteThatCannotShowItCameAfterItsTtlIsNotOne() {
        assertThat(TtlDeletion.isTtlDeletion(true, null, null, null, DELETED, false)).as("no ttl").isFalse();
        assertThat(TtlDeletion.isTtlDeletion(true, null, null, "soon", DELETED, false)).as("a ttl that is no number").isFalse();
        assertThat(TtlDeletion.isTtlDeletion(true, null, null, TTL_PASSED, null, false)).as("no deletion time").isFalse();
    }
}
