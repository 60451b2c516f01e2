package io.healthbridge.api;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.security.ApiKeys;
import org.apache.camel.Exchange;

/** {@code /api/v1/keys}: create (the key is shown once), list (never the key), revoke. */
public class KeysApi {

    private final ApiKeys apiKeys;

    public KeysApi(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    public void create(Exchange exchange) throws Exception {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = null;
        Set<String> scopes = new LinkedHashSet<>();
        try {
            JsonNode body = EventJson.readStrict(exchange.getIn().getBody(String.class));
            name = body.path("name").isTextual() ? body.get("name").asText() : null;
            if (name == null || name.isBlank() || name.length() > 128) {
                errors.put("name", "required, at most 128 characters");
            }
            if (!body.path("scopes").isArray() || body.get("scopes").isEmpty()) {
                errors.put("scopes", "required: [\"read\"] or [\"admin\"]");
            } else {
                body.get("scopes").forEach(s -> scopes.add(s.asText()));
                if (!ApiKeys.SCOPES.containsAll(scopes)) {
                    errors.put("scopes", "must be among " + ApiKeys.SCOPES);
                }
            }
        } catch (RuntimeException e) {
            errors.put("body", "not a JSON object");
        }
        if (!errors.isEmpty()) {
            ApiError.invalid(exchange, "invalid API key request", errors);
            return;
        }
        ApiKeys.Issued issued = apiKeys.issue(name, scopes);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", issued.id());
        out.put("name", name);
        out.put("scopes", scopes);
        out.put("key", issued.key());
        out.put("note", "store this key now: it is not shown again");
        Json.respond(exchange, 201, out);
    }

    public void list(Exchange exchange) throws Exception {
        List<Map<String, Object>> out = apiKeys.list().stream().map(k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", k.id());
            m.put("name", k.name());
            m.put("prefix", k.prefix());
            m.put("scopes", k.scopes());
            m.put("created_at", String.valueOf(k.createdAt()));
            m.put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
            m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
            return m;
        }).toList();
        Json.respond(exchange, 200, Map.of("keys", out));
    }

    public void revoke(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        if (!apiKeys.revoke(id)) {
            ApiError.notFound(exchange, "active API key '" + id + "'");
            return;
        }
        Json.respond(exchange, 200, Map.of("id", id, "revoked", true));
    }
}
