package io.healthbridge.delivery.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.TypeGlob;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;
import org.apache.camel.Exchange;

/**
 * {@code /api/v1/webhooks}: subscriptions, their deliveries, test, retry, replay and secret rotation. A secret is
 * returned when it is created or rotated (the receiver needs it to verify), never by reads.
 */
public class WebhookApi {

    private final WebhookStore store;
    private final EventStore events;
    private final TargetPolicy targets;
    private final WebhookDispatcher dispatcher;

    public WebhookApi(WebhookStore store, EventStore events, TargetPolicy targets, WebhookDispatcher dispatcher) {
        this.store = store;
        this.events = events;
        this.targets = targets;
        this.dispatcher = dispatcher;
    }

    public void create(Exchange exchange) throws Exception {
        WebhookInput in = WebhookInput.parse(exchange.getIn().getBody(String.class), false, targets);
        if (!in.errors().isEmpty()) {
            ApiError.invalid(exchange, "invalid webhook subscription", in.errors());
            return;
        }
        String secret = in.secret() == null ? WebhookSigner.newSecret() : in.secret();
        WebhookEndpoint e = store.endpoints().create(in.url(), in.description(), in.types(), in.users(),
                in.format() == null ? WebhookEndpoint.CLOUDEVENTS : in.format(), in.enabled() == null || in.enabled(), secret);
        Map<String, Object> out = json(e);
        out.put("secret", secret);
        Json.respond(exchange, 201, out);
    }

    public void list(Exchange exchange) throws Exception {
        Json.respond(exchange, 200, Map.of("webhooks", store.endpoints().list().stream().map(this::withStats).toList()));
    }

    public void get(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isPresent()) {
            Json.respond(exchange, 200, withStats(e.get()));
        }
    }

    /** The endpoint with its delivery counts and success rate (delivered of delivered + failed + abandoned). */
    private Map<String, Object> withStats(WebhookEndpoint e) {
        Map<String, Object> m = json(e);
        Map<String, Object> stats = new LinkedHashMap<>();
        long done = 0;
        for (String status : List.of(WebhookDelivery.DELIVERED, WebhookDelivery.FAILED, WebhookDelivery.ABANDONED,
                WebhookDelivery.PENDING, WebhookDelivery.SENDING)) {
            long n = store.log().countDeliveries(e.id(), status);
            stats.put(status, n);
            if (!status.equals(WebhookDelivery.PENDING) && !status.equals(WebhookDelivery.SENDING)) {
                done += n;
            }
        }
        stats.put("success_rate", done == 0 ? null : (double) (long) stats.get(WebhookDelivery.DELIVERED) / done);
        m.put("delivery_stats", stats);
        return m;
    }

    /** {@code POST /webhooks/{id}/deliveries/{deliveryId}/retry}: one failed delivery, again, now. */
    public void retryDelivery(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isEmpty()) {
            return;
        }
        String deliveryId = exchange.getIn().getHeader("deliveryId", String.class);
        if (!store.retryDelivery(e.get().id(), deliveryId)) {
            ApiError.notFound(exchange, "failed delivery '" + deliveryId + "' of webhook '" + e.get().id() + "'");
            return;
        }
        Json.respond(exchange, 202, Map.of("id", deliveryId, "status", WebhookDelivery.PENDING));
    }

    /** PUT replaces (url and event_types required), PATCH changes what is given. */
    public void update(Exchange exchange, boolean partial) throws Exception {
        Optional<WebhookEndpoint> found = find(exchange);
        if (found.isEmpty()) {
            return;
        }
        WebhookInput in = WebhookInput.parse(exchange.getIn().getBody(String.class), partial, targets);
        if (in.secret() != null) {
            in.errors().put("secret", "use POST /api/v1/webhooks/{id}/rotate-secret to change the secret");
        }
        if (!in.errors().isEmpty()) {
            ApiError.invalid(exchange, "invalid webhook subscription", in.errors());
            return;
        }
        WebhookEndpoint e = found.get();
        boolean enabled = in.enabled() != null ? in.enabled() : partial ? e.enabled() : true;
        WebhookEndpoint updated = new WebhookEndpoint(e.id(), in.url() != null ? in.url() : e.url(),
                in.description() != null || !partial ? in.description() : e.description(),
                in.types() != null ? in.types() : e.eventTypes(), in.users() != null || !partial ? in.users() : e.userIds(),
                in.format() != null ? in.format() : partial ? e.format() : WebhookEndpoint.CLOUDEVENTS, enabled,
                e.secret(), e.previousSecret(), e.previousSecretUntil(), enabled ? null : e.disabledReason(),
                enabled ? null : e.failingSince(), e.createdAt(), e.updatedAt());
        store.endpoints().save(updated);
        Json.respond(exchange, 200, json(store.endpoints().get(e.id()).orElseThrow()));
    }

    public void delete(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isPresent()) {
            store.delete(e.get().id());
            Json.respond(exchange, 200, Map.of("id", e.get().id(), "deleted", true));
        }
    }

    public void deliveries(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isEmpty()) {
            return;
        }
        int limit = bounded(exchange.getIn().getHeader("limit", String.class), 50, 500);
        int offset = bounded(exchange.getIn().getHeader("offset", String.class), 0, Integer.MAX_VALUE);
        if (limit < 0 || offset < 0) {
            ApiError.invalid(exchange, "limit and offset must be whole numbers (limit at most 500)", null);
            return;
        }
        String status = exchange.getIn().getHeader("status", String.class);
        List<Map<String, Object>> out = new ArrayList<>();
        for (WebhookDelivery d : store.log().deliveries(e.get().id(), status, limit, offset)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("event_id", d.eventId());
            m.put("event_type", d.eventType());
            m.put("status", d.status());
            m.put("attempts", d.attempts());
            m.put("last_status_code", d.lastStatusCode());
            m.put("last_error", d.lastError());
            m.put("last_latency_ms", d.lastLatencyMs());
            m.put("next_attempt_at", d.status().equals(WebhookDelivery.PENDING) && d.nextAttemptAt() != null
                    ? d.nextAttemptAt().toString() : null);
            m.put("created_at", d.createdAt().toString());
            out.add(m);
        }
        Json.respond(exchange, 200, Map.of("deliveries", out, "total", store.log().countDeliveries(e.get().id(), status),
                "limit", limit, "offset", offset));
    }

    /** The delivery log of one delivery: every attempt, oldest first (status code, latency, error, response excerpt). */
    public void attempts(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isEmpty()) {
            return;
        }
        String deliveryId = exchange.getIn().getHeader("deliveryId", String.class);
        Optional<WebhookDelivery> d = store.log().delivery(e.get().id(), deliveryId);
        if (d.isEmpty()) {
            ApiError.notFound(exchange, "delivery '" + deliveryId + "' of webhook '" + e.get().id() + "'");
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (DeliveryLog.Attempt a : store.log().attempts(d.get())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempted_at", a.at().toString());
            m.put("status_code", a.statusCode());
            m.put("latency_ms", a.latencyMs());
            m.put("error", a.error());
            m.put("response_excerpt", a.responseExcerpt());
            out.add(m);
        }
        Json.respond(exchange, 200, Map.of("delivery_id", deliveryId, "status", d.get().status(), "attempts", out));
    }

    public void test(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isEmpty()) {
            return;
        }
        String id = "test-" + UUID.randomUUID();
        Map<String, Object> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("id", id);
        ce.put("source", "healthbridge/webhooks");
        ce.put("type", "healthbridge.webhook.test");
        ce.put("time", Instant.now().toString());
        ce.put("datacontenttype", "application/json");
        ce.put("data", Map.of("endpoint_id", e.get().id(), "message", "Healthbridge webhook test"));
        store.addDelivery(e.get().id(), id, "healthbridge.webhook.test", EventJson.MAPPER.writeValueAsString(ce));
        Json.respond(exchange, 202, Map.of("event_id", id, "status", WebhookDelivery.PENDING));
    }

    public void retryFailed(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isPresent()) {
            Json.respond(exchange, 202, Map.of("requeued", store.retryFailed(e.get().id())));
        }
    }

    /** Replays stored events of a time range ({@code from}, {@code to}, ISO-8601) that match the subscription. */
    public void replay(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> found = find(exchange);
        if (found.isEmpty()) {
            return;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = null;
        Instant to = null;
        try {
            JsonNode body = EventJson.readStrict(exchange.getIn().getBody(String.class));
            from = OffsetDateTime.parse(body.path("from").asText()).toInstant();
            to = body.hasNonNull("to") ? OffsetDateTime.parse(body.get("to").asText()).toInstant() : Instant.now();
        } catch (RuntimeException ex) {
            errors.put("from", "required: ISO-8601 time with offset; 'to' optional (default now)");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "must be after from");
        }
        if (!errors.isEmpty()) {
            ApiError.invalid(exchange, "invalid replay range", errors);
            return;
        }
        WebhookEndpoint e = found.get();
        int queued = 0;
        long after = 0;
        List<StoredEvent> batch;
        do {
            batch = events.after(after, null, null, null, 1000);
            for (StoredEvent s : batch) {
                Instant at = s.createdAt();
                if (!at.isBefore(from) && at.isBefore(to) && e.matches(TypeGlob.subscribed(s.type(), s.provider()), s.subject())
                    && (store.addDelivery(e.id(), s.id(), s.type(), null) || store.requeue(e.id(), s.id()))) {
                    queued++;
                }
            }
            after = batch.isEmpty() ? after : batch.get(batch.size() - 1).seq();
        } while (batch.size() == 1000);
        Json.respond(exchange, 202, Map.of("queued", queued));
    }

    public void rotateSecret(Exchange exchange) throws Exception {
        Optional<WebhookEndpoint> e = find(exchange);
        if (e.isEmpty()) {
            return;
        }
        String secret = WebhookSigner.newSecret();
        Duration overlap = dispatcher.settings().secretOverlap();
        store.endpoints().rotateSecret(e.get().id(), secret, e.get().secret(), Instant.now().plus(overlap));
        Json.respond(exchange, 200, Map.of("id", e.get().id(), "secret", secret, "previous_secret_valid_until",
                Instant.now().plus(overlap).toString()));
    }

    private Optional<WebhookEndpoint> find(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<WebhookEndpoint> e = store.endpoints().get(id);
        if (e.isEmpty()) {
            ApiError.notFound(exchange, "webhook '" + id + "'");
        }
        return e;
    }

    private static int bounded(String v, int def, int max) {
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            return n < 0 || n > max ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Map<String, Object> json(WebhookEndpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("url", e.url());
        m.put("description", e.description());
        m.put("event_types", e.eventTypes());
        m.put("user_ids", e.userIds());
        m.put("format", e.format());
        m.put("enabled", e.enabled());
        m.put("disabled_reason", e.disabledReason());
        m.put("failing_since", e.failingSince() == null ? null : e.failingSince().toString());
        m.put("created_at", e.createdAt().toString());
        m.put("updated_at", e.updatedAt().toString());
        return m;
    }
}
