package io.healthbridge.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.auth.ConnectLinks;
import io.healthbridge.auth.OAuthException;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import org.apache.camel.Exchange;

/** {@code /connect/{provider}} (OAuth start and callback) and {@code /api/v1/connections}. */
public class ConnectionApi {

    private final ProviderRegistry providerRegistry;
    private final ConnectLinks connectLinks;
    private final ConnectFlow connectFlow;
    private final ConnectionStore connectionStore;

    public ConnectionApi(ProviderRegistry providerRegistry, ConnectLinks connectLinks, ConnectFlow connectFlow, ConnectionStore connectionStore) {
        this.providerRegistry = providerRegistry;
        this.connectLinks = connectLinks;
        this.connectFlow = connectFlow;
        this.connectionStore = connectionStore;
    }

    public void start(Exchange exchange) throws Exception {
        String provider = exchange.getIn().getHeader("provider", String.class);
        String user = EventApi.param(exchange, "user");
        if (providerRegistry.api(provider).isEmpty()) {
            ApiError.notFound(exchange, "provider '" + provider + "'");
            return;
        }
        if (user == null || user.length() > 128) {
            ApiError.respond(exchange, 400, "VAL_002", "query parameter 'user' (the Healthbridge user id) is required",
                    Map.of("parameter", "user"));
            return;
        }
        ConnectLinks links = connectLinks;
        if (links != null) {
            String problem = links.problem(provider, user, EventApi.param(exchange, "expires"),
                    EventApi.param(exchange, "sig"));
            if (problem != null) {
                ApiError.respond(exchange, 401, "AUTH_001", problem, Map.of());
                return;
            }
        }
        var location = connectFlow.start(provider, user);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        exchange.getMessage().setHeader("Location", location.toString());
        exchange.getMessage().setBody("");
    }

    /** {@code POST /api/v1/connect-links {"user","provider","ttl_seconds"}}: a signed link for one user (admin). */
    public void link(Exchange exchange) throws Exception {
        JsonNode body = Json.objectBody(exchange);
        String user = body == null ? null : body.path("user").asText(null);
        String provider = body == null ? null : body.path("provider").asText(null);
        long ttl = body == null ? 3600 : body.path("ttl_seconds").asLong(3600);
        Map<String, String> problems = new LinkedHashMap<>();
        if (user == null || user.isBlank() || user.length() > 128) {
            problems.put("user", "required: the Healthbridge user id (at most 128 characters)");
        }
        if (provider == null || providerRegistry.api(provider).isEmpty()) {
            problems.put("provider", "required: a known provider");
        }
        if (ttl < 60 || ttl > ConnectLinks.MAX_TTL.toSeconds()) {
            problems.put("ttl_seconds", "between 60 and " + ConnectLinks.MAX_TTL.toSeconds());
        }
        if (!problems.isEmpty()) {
            ApiError.invalid(exchange, "cannot make a connect link", problems);
            return;
        }
        ConnectLinks links = connectLinks;
        String base = exchange.getContext().getPropertiesComponent().resolveProperty("healthbridge.public-url")
                .orElse("");
        Duration d = Duration.ofSeconds(ttl);
        Json.respond(exchange, 201, Map.of("url", base.replaceAll("/+$", "") + "/connect/" + provider + "?"
                + links.query(provider, user, d), "expires_at", links.expiry(d).toString()));
    }

    public void callback(Exchange exchange) throws Exception {
        String provider = exchange.getIn().getHeader("provider", String.class);
        String error = EventApi.param(exchange, "error");
        if (error != null) {
            ApiError.respond(exchange, 400, "AUTH_001", "the provider refused the authorization: " + error,
                    Map.of("provider", provider));
            return;
        }
        try {
            Connection c = connectFlow.complete(provider,
                    EventApi.param(exchange, "code"), EventApi.param(exchange, "state"), EventApi.param(exchange, "zone"));
            Json.respond(exchange, 200, Map.of("connection", json(c, Map.of(), Map.of()), "message",
                    "Connected " + provider + " for user " + c.userId()));
        } catch (IllegalArgumentException e) {
            ApiError.respond(exchange, 400, "VAL_001", "cannot complete the connection: " + e.getMessage(),
                    Map.of("provider", provider));
        } catch (OAuthException e) {
            ApiError.respond(exchange, e.isPermanent() ? 400 : 503, e.isPermanent() ? "AUTH_001" : "SYS_002",
                    "the code exchange failed: " + e.getMessage(), Map.of("provider", provider));
        }
    }

    public void list(Exchange exchange) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Connection c : connectionStore.list(EventApi.param(exchange, "provider"), EventApi.param(exchange, "user"))) {
            out.add(json(c, connectionStore.cursors(c.id()), connectionStore.cursorErrors(c.id())));
        }
        Json.respond(exchange, 200, Map.of("connections", out));
    }

    public void get(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<Connection> c = connectionStore.get(id);
        if (c.isEmpty()) {
            ApiError.notFound(exchange, "connection '" + id + "'");
            return;
        }
        Json.respond(exchange, 200, json(c.get(), connectionStore.cursors(id), connectionStore.cursorErrors(id)));
    }

    public void delete(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<Connection> c = connectionStore.get(id);
        if (c.isEmpty()) {
            ApiError.notFound(exchange, "connection '" + id + "'");
            return;
        }
        boolean atProvider = connectFlow.revoke(c.get());
        Json.respond(exchange, 200, Map.of("id", id, "status", Connection.REVOKED, "revoked_at_provider", atProvider));
    }

    /** A connection as the API shows it: never its tokens. */
    static Map<String, Object> json(Connection c, Map<String, String> cursors, Map<String, String> errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("user_id", c.userId());
        m.put("provider", c.provider());
        m.put("provider_user_id", c.providerUserId());
        m.put("status", c.status());
        m.put("scope", c.scope());
        m.put("created_at", String.valueOf(c.createdAt()));
        m.put("last_sync_at", c.lastSyncAt() == null ? null : c.lastSyncAt().toString());
        m.put("last_error", c.lastError());
        Map<String, Object> sync = new LinkedHashMap<>();
        cursors.forEach((dataset, cursor) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("synced_until", cursor == null || cursor.isBlank() ? null : cursor);
            d.put("last_error", errors.get(dataset));
            sync.put(dataset, d);
        });
        m.put("sync", sync);
        return m;
    }
}
