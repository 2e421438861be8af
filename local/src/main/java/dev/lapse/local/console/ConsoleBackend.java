package dev.lapse.local.console;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the console reads and changes, all through Lapse's own requests: the scheduling function answers
 * "Get Job", "List Jobs" and "Cancel Job", the replay function puts dead letters back, and the dead-letter
 * queue's depth is read from SQS. The same for the local runtime and for a deployed stack.
 */
public interface ConsoleBackend {

    /** Sends {@code {"detail-type": ..., "detail": {...}}} to the scheduling function and returns its answer. */
    JsonNode request(JsonNode request);

    /** Invokes the replay function with {@code {"source": "dead-letters", "jobId": ...}} and returns its answer. */
    JsonNode replay(JsonNode request);

    /** The figures for the header: at least {@code deadLetters} (the dead-letter queue's approximate depth). */
    JsonNode figures();

    /** Where this console reads from, for the header: "local runtime" or "stack <name> (<region>)". */
    String describe();
}
