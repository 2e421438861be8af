package dev.lapse.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.run.EventSink;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Puts Lapse's own events ("Job Due", "Job Failed", "Job Rejected") on the bus and checks each entry landed. */
public final class EventPublisher implements EventSink {
    public static final String SOURCE = "lapse";
    public static final String JOB_DUE = "Job Due";
    public static final String JOB_FAILED = "Job Failed";
    public static final String JOB_REJECTED = "Job Rejected";

    private final EventBridgeClient events;
    private final String busName;

    public EventPublisher(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    /** Publishes one event; a failed entry is a {@link TransientFailureException} (or a plain failure for a rejected entry). */
    @Override
    public String publish(String detailType, ObjectNode detail) {
        PutEventsResponse response = events.putEvents(r -> r.entries(List.of(PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(SOURCE)
                .detailType(detailType)
                .detail(Json.write(detail))
                .build())));
        PutEventsResultEntry entry = response.entries().isEmpty() ? null : response.entries().get(0);
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0 || entry == null || entry.eventId() == null) {
            String code = entry == null ? "NoEntry" : entry.errorCode();
            String message = "PutEvents failed for \"" + detailType + "\" on bus " + busName + ": " + code
                    + (entry == null ? "" : " " + entry.errorMessage());
            if (code == null || code.contains("Throttl") || code.contains("InternalFailure") || code.equals("NoEntry")) {
                throw new TransientFailureException(message);
            }
            throw new IllegalStateException(message);
        }
        return entry.eventId();
    }
}
