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

    /**
     * Called by the bus consumer route with what the bus carries: on the embedded bus an event or a payload's list of
     * events as they were stored; from Kafka the structured-mode JSON of one event.
     */
    public void dispatch(Object message) {
        if (message instanceof List<?> events) {
            for (Object e : events) {
                dispatch(e);
            }
        } else if (message instanceof CanonicalEvent event) {
            toListeners(event);
        } else if (message instanceof String json) {
            toListeners(CanonicalEvent.fromJson(EventJson.read(json)));
        } else if (message instanceof byte[] json) {
            toListeners(CanonicalEvent.fromJson(EventJson.read(json)));
        } else {
            throw new IllegalArgumentException("the event bus carried a " + (message == null ? "null"
                    : message.getClass().getSimpleName()) + ", not an event");
        }
    }

    private void toListeners(CanonicalEvent event) {
        for (Consumer<CanonicalEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("Event listener {} failed on event {}: {}", listener, event.id(), e.getMessage());
            }
        }
    }
}
