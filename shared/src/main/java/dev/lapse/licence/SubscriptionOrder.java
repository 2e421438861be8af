package dev.lapse.licence;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which of two subscription events for one licence is the later intent. EventBridge keeps no order
 * and its {@code time} has whole seconds, so an event's place is, in this order of preference:
 * <ol>
 *   <li>its {@code version} (the subscription's revision number), when the event last applied to the
 *       licence carries one too;</li>
 *   <li>otherwise its time: {@code occurredAt} to the millisecond; without it the EventBridge {@code time}
 *       or, for a direct invocation, the call time, both known only to the second. Within that second
 *       a cancellation counts from its start and a reactivation from its end, so in doubt the
 *       reactivation is the later one.</li>
 * </ol>
 * At an equal place the customer wins: a reactivation that ties with an applied cancellation is
 * applied; a cancellation that ties with an applied reactivation is stale. An event that ties with an
 * applied event of its own kind (a redelivery) is applied again, which changes nothing.
 */
public final class SubscriptionOrder {

    private SubscriptionOrder() {
    }

    public enum Intent { CANCEL, REACTIVATE }

    /**
     * When a subscription event happened and how precisely that is known.
     *
     * @param toTheSecond true when only the second is known (EventBridge {@code time}, a direct call's time)
     * @param version     the subscription's revision number, if the sender gave one
     */
    public record Stamp(Intent intent, Instant at, boolean toTheSecond, OptionalLong version) {

        /** The event's place in time, in epoch milliseconds (see the class comment for a whole-second time). */
        public long orderMillis() {
            if (!toTheSecond) {
                return at.toEpochMilli();
            }
            long second = at.getEpochSecond() * 1000;
            return intent == Intent.REACTIVATE ? second + 999 : second;
        }
    }

    /**
     * What a licence remembers of the last subscription event applied to it: its status and the
     * event's place. Empty fields for a licence no event has touched (or that does not exist).
     */
    public record Last(Optional<PaidLicenses.Status> status, OptionalLong orderMillis, OptionalLong version) {
        public static final Last NONE = new Last(Optional.empty(), OptionalLong.empty(), OptionalLong.empty());
    }

    /** Whether {@code event} is the later intent than the last event applied, and so must be applied. */
    public static boolean supersedes(Stamp event, Last last) {
        if (last.orderMillis().isEmpty()) {
            return true;
        }
        int order = event.version().isPresent() && last.version().isPresent()
                ? Long.compare(event.version().getAsLong(), last.version().getAsLong())
                : Long.compare(event.orderMillis(), last.orderMillis().getAsLong());
        if (order != 0) {
            return order > 0;
        }
        return event.intent() == Intent.REACTIVATE || last.status().filter(s -> s == PaidLicenses.Status.ACTIVE).isEmpty();
    }
}
