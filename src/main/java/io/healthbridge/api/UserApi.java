package io.healthbridge.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.http.ApiAuth;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.security.DeviceTokens;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.UserData;
import io.healthbridge.users.Erasure;
import io.healthbridge.users.ExportStream;
import org.apache.camel.Exchange;

/**
 * End users as a resource: {@code GET /api/v1/users} (paged), {@code GET /api/v1/users/{id}} (connections and data held),
 * {@code DELETE /api/v1/users/{id}} (erasure, admin) and {@code GET /api/v1/users/{id}/export} (NDJSON).
 */
public class UserApi {

    /** A user id in a path: what connections and events accept. */
    static final int MAX_ID = 128;

    private final UserData users;
    private final ConnectionStore connections;
    private final EventStore events;
    private final Erasure erasure;
    private final DeviceTokens deviceTokens;

    public UserApi(UserData users, ConnectionStore connections, EventStore events, Erasure erasure,
            DeviceTokens deviceTokens) {
        this.users = users;
        this.connections = connections;
        this.events = events;
        this.erasure = erasure;
        this.deviceTokens = deviceTokens;
    }

    /** {@code POST /api/v1/users/{id}/device-tokens {"label"}}: a token for the user's phone app, answered once. */
    public void createDeviceToken(Exchange exchange) throws Exception {
        String id = id(exchange);
        if (id == null) {
            return;
        }
        String text = exchange.getIn().getBody(String.class);
        JsonNode body = text == null || text.isBlank() ? Json.MAPPER.createObjectNode() : Json.objectBody(text);
        JsonNode label = body == null ? null : body.get("label");
        if (body == null || body.size() > (label == null ? 0 : 1) || (label != null && (!label.isTextual()
                || label.asText().length() > 128))) {
            ApiError.invalid(exchange, "the body is empty or {\"label\": \"<at most 128 characters>\"}",
                    Map.of("field", "label"));
            return;
        }
        DeviceTokens.Issued t = deviceTokens.issue(id, label == null ? null : label.asText());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id());
        out.put("user_id", t.userId());
        out.put("token", t.token());
        out.put("created_at", t.createdAt().toString());
        Json.respond(exchange, 201, out);
    }

    public void listDeviceTokens(Exchange exchange) throws Exception {
        String id = id(exchange);
        if (id == null) {
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (DeviceTokens.Listed t : deviceTokens.list(id)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("label", t.label());
            m.put("prefix", t.prefix());
            m.put("created_at", t.createdAt().toString());
            m.put("revoked_at", text(t.revokedAt()));
            out.add(m);
        }
        Json.respond(exchange, 200, Map.of("device_tokens", out));
    }

    public void revokeDeviceToken(Exchange exchange) throws Exception {
        String id = id(exchange);
        if (id == null) {
            return;
        }
        if (!deviceTokens.revoke(id, exchange.getIn().getHeader("tokenId", "", String.class))) {
            ApiError.notFound(exchange, "device token");
            return;
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    public void list(Exchange exchange) throws Exception {
        Integer limit = EventApi.intParam(exchange, "limit", 100, 1, 500);
        Integer offset = limit == null ? null : EventApi.intParam(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        if (offset == null) {
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (UserData.Summary s : users.list(limit, offset)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", s.userId());
            m.put("connections", s.connections());
            m.put("active_connections", s.active());
            m.put("last_sync_at", text(s.lastSyncAt()));
            out.add(m);
        }
        Json.respond(exchange, 200, Map.of("users", out, "limit", limit, "offset", offset));
    }

    public void get(Exchange exchange) throws Exception {
        String id = id(exchange);
        if (id == null) {
            return;
        }
        List<Map<String, Object>> conns = connectionsOf(id);
        List<UserData.TypeHeld> held = users.typesHeld(id);
        long devices = deviceTokens.list(id).stream().filter(t -> t.revokedAt() == null).count();
        if (conns.isEmpty() && held.isEmpty() && !users.hasDeviceTokens(id)) {
            ApiError.notFound(exchange, "user '" + id + "'");
            return;
        }
        List<Map<String, Object>> data = new ArrayList<>();
        long total = 0;
        Instant first = null;
        Instant last = null;
        for (UserData.TypeHeld t : held) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", t.type());
            m.put("count", t.count());
            m.put("first_event_at", t.first().toString());
            m.put("last_event_at", t.last().toString());
            data.add(m);
            total += t.count();
            first = first == null || t.first().isBefore(first) ? t.first() : first;
            last = last == null || t.last().isAfter(last) ? t.last() : last;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", id);
        body.put("connections", conns);
        body.put("device_tokens", devices);
        body.put("data", data);
        body.put("events", total);
        body.put("first_event_at", text(first));
        body.put("last_event_at", text(last));
        Json.respond(exchange, 200, body);
    }

    public void erase(Exchange exchange) throws Exception {
        String id = id(exchange);
        if (id == null) {
            return;
        }
        // the audit log names an erased user by a digest, not by the id it was asked to forget
        exchange.setProperty(ApiAuth.PATH, "/api/v1/users/" + Erasure.pseudonym(id));
        Optional<Erasure.Receipt> receipt = erasure.erase(id);
        if (receipt.isEmpty()) {
            ApiError.notFound(exchange, "user '" + id + "'");
            return;
        }
        Erasure.Receipt r = receipt.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", r.userId());
        body.put("erased_at", r.erasedAt().toString());
        body.put("rows", r.rows());
        body.put("connections", r.connections());
        body.put("webhook_filters_changed", r.webhookFiltersChanged());
        body.put("event_id", r.eventId());
        Json.respond(exchange, 200, body);
    }

    public void export(Exchange exchange) throws Exception {
        String id = id(exchange);
        if (id == null) {
            return;
        }
        String format = Optional.ofNullable(EventApi.param(exchange, "format")).orElse(ExportStream.CLOUDEVENTS);
        if (!format.equals(ExportStream.CLOUDEVENTS) && !format.equals(ExportStream.FHIR)) {
            ApiError.invalid(exchange, "format must be cloudevents or fhir", Map.of("parameter", "format"));
            return;
        }
        List<Map<String, Object>> conns = connectionsOf(id);
        if (conns.isEmpty() && users.typesHeld(id).isEmpty()) {
            ApiError.notFound(exchange, "user '" + id + "'");
            return;
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-ndjson");
        exchange.getMessage().setHeader(ApiError.REQUEST_ID, ApiError.requestId(exchange));
        exchange.getMessage().setBody(new ExportStream(events, id, format, conns));
    }

    private List<Map<String, Object>> connectionsOf(String id) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Connection c : connections.list(null, id)) {
            out.add(ConnectionApi.json(c, connections.cursors(c.id()), connections.cursorErrors(c.id())));
        }
        return out;
    }

    private static String id(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            ApiError.invalid(exchange, "a user id is 1 to " + MAX_ID + " characters", Map.of("parameter", "id"));
            return null;
        }
        return id;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
