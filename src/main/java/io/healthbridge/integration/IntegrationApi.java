package io.healthbridge.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.http.ApiAuth;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.security.ApiKeys;
import io.healthbridge.store.ConnectionStore;
import org.apache.camel.Exchange;

/** {@code /api/v1/integrations}: list, get, register, update, unregister, health check. */
public class IntegrationApi {

    private final Integrations integrations;
    private final ConnectionStore connections;

    public IntegrationApi(Integrations integrations, ConnectionStore connections) {
        this.integrations = integrations;
        this.connections = connections;
    }

    public void list(Exchange exchange) throws Exception {
        Map<String, ConnectionStore.SyncSummary> syncs = connections == null ? Map.of() : connections.syncSummary();
        Json.respond(exchange, 200, Map.of("integrations",
                integrations.providers().stream().map(p -> withSync(p, syncs)).toList()));
    }

    public void get(Exchange exchange) throws Exception {
        String provider = known(exchange);
        if (provider != null) {
            Json.respond(exchange, 200, withSync(provider, connections == null ? Map.of() : connections.syncSummary()));
        }
    }

    /**
     * The provider's view with its connections' sync state: active and failing connections, the newest successful
     * sync of any of them and how long ago that was.
     */
    private Map<String, Object> withSync(String provider, Map<String, ConnectionStore.SyncSummary> syncs) {
        Map<String, Object> view = new LinkedHashMap<>(integrations.view(provider));
        ConnectionStore.SyncSummary s = syncs.get(provider);
        Map<String, Object> sync = new LinkedHashMap<>();
        sync.put("connections_active", s == null ? 0 : s.active());
        sync.put("connections_in_error", s == null ? 0 : s.inError());
        sync.put("last_sync_at", s == null || s.lastSyncAt() == null ? null : s.lastSyncAt().toString());
        sync.put("lag_seconds", s == null || s.lastSyncAt() == null ? null
                : Duration.between(s.lastSyncAt(), Instant.now()).toSeconds());
        view.put("sync", sync);
        return view;
    }

    public void register(Exchange exchange) throws Exception {
        JsonNode body = Json.objectBody(exchange);
        if (body == null) {
            ApiError.invalid(exchange, "the body must be a JSON object with \"provider\"", Map.of());
            return;
        }
        if (!body.path("provider").isTextual()) {
            ApiError.respond(exchange, 400, "VAL_002", "missing field", Map.of("provider", "required"));
            return;
        }
        String provider = body.get("provider").asText();
        if (!integrations.exists(provider)) {
            ApiError.invalid(exchange, "no provider type '" + provider + "' in this runtime",
                    Map.of("provider", "one of " + integrations.providers()));
            return;
        }
        try {
            integrations.register(provider, body, actor(exchange));
        } catch (Integrations.ConflictException e) {
            ApiError.respond(exchange, 409, "RES_002", e.getMessage(), Map.of());
            return;
        } catch (Integrations.InvalidException e) {
            ApiError.invalid(exchange, "invalid integration", e.errors());
            return;
        }
        Json.respond(exchange, 201, integrations.view(provider));
    }

    public void update(Exchange exchange, boolean partial) throws Exception {
        String provider = known(exchange);
        if (provider == null) {
            return;
        }
        JsonNode body = Json.objectBody(exchange);
        try {
            integrations.update(provider, body, partial, actor(exchange));
        } catch (Integrations.InvalidException e) {
            ApiError.invalid(exchange, "invalid integration", e.errors());
            return;
        }
        Json.respond(exchange, 200, integrations.view(provider));
    }

    public void unregister(Exchange exchange) throws Exception {
        String provider = known(exchange);
        if (provider == null) {
            return;
        }
        if (!integrations.isActive(provider)) {
            ApiError.notFound(exchange, "registered integration '" + provider + "'");
            return;
        }
        integrations.unregister(provider, actor(exchange));
        Json.respond(exchange, 200, Map.of("provider", provider, "state", integrations.state(provider)));
    }

    public void healthCheck(Exchange exchange) throws Exception {
        String provider = known(exchange);
        if (provider != null) {
            Json.respond(exchange, 200, integrations.healthCheck(provider));
        }
    }

    private String known(Exchange exchange) throws Exception {
        String provider = exchange.getIn().getHeader("provider", String.class);
        if (provider == null || !integrations.exists(provider)) {
            ApiError.notFound(exchange, "integration '" + provider + "'");
            return null;
        }
        return provider;
    }


    private static String actor(Exchange exchange) {
        ApiKeys.Principal p = exchange.getProperty(ApiAuth.PRINCIPAL, ApiKeys.Principal.class);
        return p == null ? null : p.name() + " (" + p.id() + ")";
    }
}
