package dev.lapse.inspect;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pending jobs in due order, by due window and job type, a page at a time (the listing index's port; a paused or
 * cancelled recurring job is never due and not listed). The DynamoDB adapter is {@link PendingListing}.
 */
public interface Listing {
    /** One pending job as listed; {@code series}: a recurring job's occurrence as JSON, or null. */
    record Listed(String jobId, String jobType, Instant dueAt, long dueEpochMs, String occurrenceId, int attempt, String series) {
        public static final Comparator<Listed> ORDER = Comparator.comparingLong(Listed::dueEpochMs).thenComparing(Listed::jobId);

        /** Whether it comes after {@code cursor} in due order. */
        public boolean isAfter(Cursor cursor) {
            return dueEpochMs > cursor.dueEpochMs() || dueEpochMs == cursor.dueEpochMs() && jobId.compareTo(cursor.jobId()) > 0;
        }
    }

    /** Where a page ends: the last job listed (the next page starts after it). */
    record Cursor(long dueEpochMs, String jobId) {
    }

    record Page(List<Listed> jobs, Optional<Cursor> next) {
        /** The first {@code limit} of {@code found} (in due order), with a cursor if more follow. */
        public static Page of(List<Listed> found, int limit) {
            List<Listed> sorted = found.stream().sorted(Listed.ORDER).toList();
            if (sorted.size() > limit) {
                Listed last = sorted.get(limit - 1);
                return new Page(sorted.subList(0, limit), Optional.of(new Cursor(last.dueEpochMs(), last.jobId())));
            }
            return new Page(sorted, Optional.empty());
        }
    }

    /** Up to {@code limit} pending jobs due in [{@code from}, {@code to}] after {@code after}, of {@code jobType} if given. */
    Page page(Instant from, Instant to, Optional<String> jobType, int limit, Optional<Cursor> after);
}
