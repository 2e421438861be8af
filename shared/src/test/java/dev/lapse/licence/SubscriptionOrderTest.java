package dev.lapse.licence;

import static dev.lapse.licence.SubscriptionOrder.Intent.CANCEL;
import static dev.lapse.licence.SubscriptionOrder.Intent.REACTIVATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.licence.PaidLicenses.Status;
import dev.lapse.licence.SubscriptionOrder.Intent;
import dev.lapse.licence.SubscriptionOrder.Last;
import dev.lapse.licence.SubscriptionOrder.Stamp;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SubscriptionOrderTest {
    private static final Instant T = Instant.parse("2026-12-01T08:00:00Z");

    private static Stamp second(Intent intent, Instant at) {
        return new Stamp(intent, at, true, OptionalLong.empty());
    }

    private static Stamp millis(Intent intent, Instant at) {
        return new Stamp(intent, at, false, OptionalLong.empty());
    }

    private static Stamp versioned(Intent intent, Instant at, long version) {
        return new Stamp(intent, at, false, OptionalLong.of(version));
    }

    /** The licence after {@code applied} was applied to it. */
    private static Last after(Stamp applied) {
        return new Last(Optional.of(applied.intent() == CANCEL ? Status.CANCELLED : Status.ACTIVE),
                OptionalLong.of(applied.orderMillis()), applied.version());
    }

    /** Applies both events in the given order, as the table would; returns the intent that holds at the end. */
    private static Intent outcome(Stamp first, Stamp second) {
        Last last = after(first);
        return SubscriptionOrder.supersedes(second, last) ? second.intent() : first.intent();
    }

    @Test
    void theFirstEventForALicenceIsApplied() {
        assertThat(SubscriptionOrder.supersedes(second(CANCEL, T), Last.NONE)).isTrue();
        assertThat(SubscriptionOrder.supersedes(second(REACTIVATE, T), Last.NONE)).isTrue();
        Last createdByTheApplication = new Last(Optional.of(Status.ACTIVE), OptionalLong.empty(), OptionalLong.empty());
        assertThat(SubscriptionOrder.supersedes(second(CANCEL, T), createdByTheApplication)).isTrue();
    }

    @Test
    void aReactivationAndACancellationInTheSameSecondEndActiveWhicheverArrivesFirst() {
        Stamp cancelled = second(CANCEL, T.plusMillis(300));
        Stamp reactivated = second(REACTIVATE, T.plusMillis(100));

        assertThat(outcome(cancelled, reactivated)).isEqualTo(REACTIVATE);
        assertThat(outcome(reactivated, cancelled)).isEqualTo(REACTIVATE);
    }

    @Test
    void aLaterSecondWinsWhateverTheKind() {
        assertThat(outcome(second(REACTIVATE, T), second(CANCEL, T.plusSeconds(1)))).isEqualTo(CANCEL);
        assertThat(outcome(second(CANCEL, T.plusSeconds(1)), second(REACTIVATE, T))).isEqualTo(CANCEL);
        assertThat(outcome(second(CANCEL, T), second(REACTIVATE, T.plusSeconds(1)))).isEqualTo(REACTIVATE);
        assertThat(outcome(second(REACTIVATE, T.plusSeconds(1)), second(CANCEL, T))).isEqualTo(REACTIVATE);
    }

    @Test
    void aDirectCancellationAndAnEventReactivationAFifthOfASecondLaterTieAndTheCustomerWins() {
        // The call time of a direct invocation and the EventBridge time are both known to the second.
        Stamp direct = second(CANCEL, T.plusMillis(900));
        Stamp event = second(REACTIVATE, T.plusMillis(1100));
        assertThat(outcome(direct, event)).isEqualTo(REACTIVATE);
        Stamp sameSecond = second(REACTIVATE, T.plusMillis(950));
        assertThat(outcome(direct, sameSecond)).isEqualTo(REACTIVATE);
    }

    @Test
    void occurredAtOrdersEventsWithinASecond() {
        assertThat(outcome(millis(REACTIVATE, T.plusMillis(5)), millis(CANCEL, T.plusMillis(10)))).isEqualTo(CANCEL);
        assertThat(outcome(millis(CANCEL, T.plusMillis(10)), millis(REACTIVATE, T.plusMillis(5)))).isEqualTo(CANCEL);
        assertThat(outcome(millis(CANCEL, T.plusMillis(5)), millis(REACTIVATE, T.plusMillis(10)))).isEqualTo(REACTIVATE);
        assertThat(outcome(millis(REACTIVATE, T.plusMillis(10)), millis(CANCEL, T.plusMillis(5)))).isEqualTo(REACTIVATE);
    }

    @Test
    void atTheSameMillisecondTheReactivationWins() {
        assertThat(outcome(millis(CANCEL, T), millis(REACTIVATE, T))).isEqualTo(REACTIVATE);
        assertThat(outcome(millis(REACTIVATE, T), millis(CANCEL, T))).isEqualTo(REACTIVATE);
    }

    @Test
    void aTimeKnownOnlyToTheSecondGivesTheCustomerTheBenefitOfTheDoubt() {
        // A cancellation at 08:00:00.500 exactly, a reactivation somewhere in 08:00:00: it may have been later.
        assertThat(outcome(millis(CANCEL, T.plusMillis(500)), second(REACTIVATE, T))).isEqualTo(REACTIVATE);
        assertThat(outcome(second(REACTIVATE, T), millis(CANCEL, T.plusMillis(500)))).isEqualTo(REACTIVATE);
        // A reactivation at 08:00:00.500 exactly, a cancellation somewhere in 08:00:00: it may have been earlier.
        assertThat(outcome(millis(REACTIVATE, T.plusMillis(500)), second(CANCEL, T))).isEqualTo(REACTIVATE);
        assertThat(outcome(second(CANCEL, T), millis(REACTIVATE, T.plusMillis(500)))).isEqualTo(REACTIVATE);
    }

    @Test
    void versionsDecideWhenBothEventsCarryOneWhateverTheirTimes() {
        Stamp cancelledV3 = versioned(CANCEL, T, 3);
        Stamp reactivatedV2 = versioned(REACTIVATE, T.plusSeconds(60), 2);

        assertThat(outcome(cancelledV3, reactivatedV2)).isEqualTo(CANCEL);
        assertThat(outcome(reactivatedV2, cancelledV3)).isEqualTo(CANCEL);
        assertThat(outcome(versioned(CANCEL, T, 3), versioned(REACTIVATE, T.minusSeconds(60), 3)))
                .as("same version: the reactivation wins").isEqualTo(REACTIVATE);
    }

    @Test
    void withoutAVersionOnBothSidesTimesDecide() {
        assertThat(outcome(versioned(CANCEL, T.plusSeconds(1), 9), millis(REACTIVATE, T))).isEqualTo(CANCEL);
        assertThat(outcome(millis(REACTIVATE, T), versioned(CANCEL, T.plusSeconds(1), 1))).isEqualTo(CANCEL);
    }

    @Test
    void anEventDeliveredAgainIsAppliedAgainWhichChangesNothing() {
        Stamp cancelled = second(CANCEL, T);
        Stamp reactivated = second(REACTIVATE, T);
        assertThat(SubscriptionOrder.supersedes(cancelled, after(cancelled))).isTrue();
        assertThat(SubscriptionOrder.supersedes(reactivated, after(reactivated))).isTrue();
    }

    @Test
    void anOlderEventIsStale() {
        assertThat(SubscriptionOrder.supersedes(second(CANCEL, T), after(second(CANCEL, T.plusSeconds(1))))).isFalse();
        assertThat(SubscriptionOrder.supersedes(second(REACTIVATE, T), after(second(CANCEL, T.plusSeconds(1))))).isFalse();
    }
}
