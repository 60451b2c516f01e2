package io.healthbridge.delivery.websocket;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;

/**
 * A client's {@code resume}: the events it missed after a given id, read from the store in pages and matched against
 * its filter, then the live events held back meanwhile, none twice. Runs on the hub's replay threads, never on an
 * event loop.
 */
class Resume {

    private static final int PAGE = 500;

    private final EventStore events;
    private final Frames frames;

    Resume(EventStore events, Frames frames) {
        this.events = events;
        this.frames = frames;
    }

    /** Sends what the client missed after {@code afterId} (matching its filter), then continues live. */
    void run(WebSocketClient client, String afterId) {
        if (client.types == null) {
            frames.error(client, "subscribe before resume");
            return;
        }
        Optional<StoredEvent> from = afterId == null ? Optional.empty() : events.get(afterId);
        if (from.isEmpty()) {
            frames.error(client, "unknown event id to resume after: " + afterId);
            return;
        }
        synchronized (client) {
            client.replaying = true;
        }
        Set<String> sent = new HashSet<>();
        Set<String> alreadyLive;
        synchronized (client) {
            alreadyLive = new HashSet<>(client.liveIds);
        }
        long seq = from.get().seq();
        long until = client.liveFromSeq;
        int count = 0;
        List<StoredEvent> batch = List.of();
        while (seq < until) {
            batch = events.after(seq, null, null, null, PAGE);
            for (StoredEvent e : batch) {
                if (e.seq() > until) {
                    break; // sent live since the subscription
                }
                if (client.wants(e) && !alreadyLive.contains(e.id())) {
                    if (!frames.writeReplayed(client, e.payload())) {
                        return;
                    }
                    sent.add(e.id());
                    count++;
                }
            }
            if (batch.size() < PAGE) {
                break;
            }
            seq = batch.get(batch.size() - 1).seq();
        }
        List<CanonicalEvent> held;
        synchronized (client) {
            held = new ArrayList<>(client.held);
            client.held.clear();
            client.replaying = false;
        }
        for (CanonicalEvent e : held) {
            if (!sent.contains(e.id())) {
                frames.write(client, e.toJsonString());
            }
        }
        frames.control(client, "healthbridge.ws.resumed", EventJson.object().put("replayed", count));
    }

}
