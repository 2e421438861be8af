package dev.lapse.run;

import java.nio.charset.StandardCharsets;
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

    private static String nameUuid(String text) {
        return UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
