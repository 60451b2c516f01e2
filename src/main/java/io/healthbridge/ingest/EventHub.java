package io.healthbridge.ingest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events read from the event bus out to in-process listeners (webhook dispatch, WebSocket clients). A failing
 * listener is logged and never stops the others.
 */
public class EventHub {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    private final List<Consumer<CanonicalEvent>> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Consumer<CanonicalEvent> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<CanonicalEvent> listener) {
        listeners.remove(listener);
    }

    /** Called by the bus consumer route with the structured-mode JSON of one event. */
    public void dispatch(String json) {
        CanonicalEvent event = CanonicalEvent.fromJson(EventJson.read(json));
        for (Consumer<CanonicalEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("Event listener {} failed on event {}: {}", listener, event.id(), e.getMessage());
            }
        }
    }
}
