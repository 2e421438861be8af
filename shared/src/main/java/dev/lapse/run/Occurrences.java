package dev.lapse.run;

import dev.lapse.job.Job;
import dev.lapse.job.Recurrence;
import dev.lapse.job.Series;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Occurrence ids derived from what asked for the run, so a request or replay delivered again is the same
 * occurrence, which the ledger does not run twice. The one place such ids are made.
 */
public final class Occurrences {
    private Occurrences() {
    }

    /** The occurrence of a scheduling request, from its parts (job id, type, payload, due time, ...). */
    public static String derive(String... parts) {
        return nameUuid(String.join("\u0000", parts));
    }

    /** The occurrence a replay of dead-letter message {@code messageId} gives the job's occurrence {@code occurrenceId}. */
    public static String replay(String messageId, String jobId, String occurrenceId) {
        return nameUuid("replay:" + messageId + ":" + jobId + ":" + occurrenceId);
    }

    /** The occurrence of a recurring job scheduled for {@code scheduledFor}: the same instant is the same occurrence. */
    public static String ofSeries(String jobId, Instant scheduledFor) {
        return nameUuid("series:" + jobId + ":" + scheduledFor);
    }

    /** The recurring job as it is due next, armed at {@code now} (see {@link Recurrence#arm}); empty once the series has ended. */
    public static Optional<Job> next(Job series, Instant now) {
        Series current = series.series().orElseThrow();
        return current.recurrence().after(current.scheduledFor(), now).map(o -> armed(series, current, current.sequence() + 1, o));
    }

    /** The recurring job armed with occurrence {@code o} as its {@code sequence}-th. */
    public static Job armed(Job series, Series current, long sequence, Recurrence.Occurrence o) {
        return series.nextOccurrence(current.with(sequence, o.scheduledFor(), Series.State.ACTIVE), o.dueAt(),
                ofSeries(current.jobId(), o.scheduledFor()));
    }

    private static String nameUuid(String text) {
        return UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
