package dev.lapse.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.run.EventSink;
import dev.lapse.run.RecordBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Puts Lapse's own events ("Job Due", "Job Failed", "Job Rejected") on the bus and checks each entry landed. */
public final class EventPublisher implements EventSink {
    public static final String SOURCE = "lapse";
    public static final String JOB_DUE = "Job Due";
    public static final String JOB_FAILED = "Job Failed";
    public static final String JOB_REJECTED = "Job Rejected";
    /** The most entries one PutEvents call takes. */
    public static final int MAX_ENTRIES = 10;
    /** The most bytes of entries one PutEvents call takes (256 KB; see {@link #entrySize}). */
    public static final int MAX_REQUEST_BYTES = 256 * 1024;

    private final EventBridgeClient events;
    private final String busName;
    private final RecordBatch.Call<PutEventsRequestEntry, PutEventsResultEntry> putEvents = this::send;

    public EventPublisher(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    /**
     * Publishes one event; a failed entry is a {@link TransientFailureException} (or a plain failure for a rejected
     * entry). Within a batch of records ({@link RecordBatch}) the entry joins the PutEvents call of the other
     * records (up to {@value #MAX_ENTRIES} entries); each entry's own result decides for its job alone.
     */
    @Override
    public String publish(String detailType, ObjectNode detail) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(SOURCE)
                .detailType(detailType)
                .detail(Json.write(detail))
                .build();
        PutEventsResultEntry result = RecordBatch.join(putEvents, entry, MAX_ENTRIES);
        if (result == null || result.eventId() == null || result.errorCode() != null) {
            String code = result == null ? "NoEntry" : result.errorCode();
            String message = "PutEvents failed for \"" + detailType + "\" on bus " + busName + ": " + code
                    + (result == null ? "" : " " + result.errorMessage());
            if (code == null || code.contains("Throttl") || code.contains("InternalFailure") || code.equals("NoEntry")) {
                throw new TransientFailureException(message);
            }
            throw new IllegalStateException(message);
        }
        return result.eventId();
    }

    /**
     * The joined entries in as few PutEvents calls as their sizes allow (at most {@value #MAX_REQUEST_BYTES} bytes of
     * entries a call, EventBridge's limit), in order; their result entries answer the entries, in order. Ten Job Due
     * events with payloads near 64 KB are three calls, not one that EventBridge refuses whole.
     */
    private List<PutEventsResultEntry> send(List<PutEventsRequestEntry> entries) {
        List<PutEventsResultEntry> results = new ArrayList<>();
        int from = 0;
        while (from < entries.size()) {
            int to = from + 1;
            long size = entrySize(entries.get(from));
            while (to < entries.size() && size + entrySize(entries.get(to)) <= MAX_REQUEST_BYTES) {
                size += entrySize(entries.get(to++));
            }
            List<PutEventsRequestEntry> call = entries.subList(from, to);
            results.addAll(events.putEvents(r -> r.entries(call)).entries());
            from = to;
        }
        return results;
    }

    /** EventBridge's size of an entry (see {@link #entrySize(boolean, List)}). */
    static long entrySize(PutEventsRequestEntry entry) {
        List<String> texts = new ArrayList<>(entry.resources());
        texts.addAll(java.util.Arrays.asList(entry.source(), entry.detailType(), entry.detail()));
        return entrySize(entry.time() != null, texts);
    }

    /**
     * EventBridge's size of a PutEvents entry ("Calculating PutEvents event entry size"): 14 bytes for {@code Time} when
     * set, and the UTF-8 bytes of its Source, DetailType, Detail and each of its Resources ({@code texts}; null counts 0).
     */
    public static long entrySize(boolean hasTime, List<String> texts) {
        long size = hasTime ? 14 : 0;
        for (String text : texts) {
            size += text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }
}
