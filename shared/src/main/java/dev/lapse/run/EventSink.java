package dev.lapse.run;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where Lapse's own events go (the event bus); a failure to deliver is an exception. */
public interface EventSink {
    /** Publishes one event and returns its id. */
    String publish(String detailType, ObjectNode detail);
}
