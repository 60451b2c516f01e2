package io.healthbridge.delivery.webhook;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.FhirRenderer;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;

/** The HTTP request of one delivery: the event in the endpoint's format (CloudEvents or FHIR) and its headers. */
final class WebhookRequests {

    private final EventStore events;
    private final Duration timeout;
    /** Recently delivered events' stored form: one event goes to many endpoints, it is read once. */
    private final Map<String, StoredEvent> recentEvents = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, StoredEvent> eldest) {
                    return size() > 1024;
                }
            });

    WebhookRequests(EventStore events, Duration timeout) {
        this.events = events;
        this.timeout = timeout;
    }

    /** Keeps an event read already, so sending it to its endpoints reads it from here. */
    void remember(StoredEvent e) {
        recentEvents.put(e.id(), e);
    }

    /** The bytes sent: the delivery's own payload, or the stored event rendered for the endpoint. */
    byte[] body(WebhookEndpoint ep, WebhookDelivery d) {
        String json = d.payload();
        if (json == null) {
            StoredEvent e = recentEvents.get(d.eventId());
            if (e == null) {
                e = events.get(d.eventId()).orElseThrow(() -> new IllegalStateException("event not in the store"));
                recentEvents.put(d.eventId(), e);
            }
            json = e.payload();
            if (WebhookEndpoint.FHIR.equals(ep.format()) && e.type().startsWith("health.")) {
                json = FhirRenderer.toJson(CanonicalEvent.fromJson(EventJson.read(json)));
            }
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    HttpRequest request(WebhookEndpoint ep, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ep.url())).timeout(timeout)
                .header("Content-Type", WebhookEndpoint.FHIR.equals(ep.format()) ? "application/fhir+json"
                        : "application/cloudevents+json")
                .header("User-Agent", "Healthbridge-Webhooks/1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return b.build();
    }
}
