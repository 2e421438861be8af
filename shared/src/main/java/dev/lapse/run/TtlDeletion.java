package dev.lapse.run;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Whether a stream record of the Jobs table is a deletion by DynamoDB TTL (which runs the job), not a
 * cancel, an operator's delete or the due-jobs path's take (which must not). The stream handler and the
 * replay of stream failures both ask this.
 */
public final class TtlDeletion {
    public static final String PRINCIPAL = "dynamodb.amazonaws.com";

    private TtlDeletion() {
    }

    /**
     * A REMOVE with TTL's identity is one. Without that identity (LocalStack's TTL sets none) and unless it
     * is required, a deletion is told by time alone: TTL deletes only items whose {@code ttl} has passed, so
     * one deleted before its {@code ttl} was removed by someone. A delete made after the due time cannot be
     * told apart and counts as TTL. A record that cannot show it was deleted on or after its {@code ttl}
     * (no numeric {@code ttl}, or no deletion time) is not one: running a cancelled job is the harm to avoid,
     * and DynamoDB Streams always gives the deletion time.
     */
    public static boolean isTtlDeletion(boolean remove, String identityType, String principalId, String ttl,
                                        Instant deletedAt, boolean requireIdentity) {
        if (!remove) {
            return false;
        }
        if ("Service".equals(identityType) && PRINCIPAL.equals(principalId)) {
            return true;
        }
        if (requireIdentity || ttl == null || deletedAt == null) {
            return false;
        }
        try {
            return new BigDecimal(ttl).longValue() <= deletedAt.getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
