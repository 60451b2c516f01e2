package io.healthbridge.integration;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.http.ApiAuth;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.security.ApiKeys;
import org.apache.camel.Exchange;

/** {@code /api/v1/integrations}: list, get, register, update, unregister, health check. */
public class IntegrationApi {

    private final Integrations integrations;

    public IntegrationApi(Integrations integrations) {
        this.integrations = integrations;
    }

    public void list(Exchange exchange) throws Exception {
        Json.respond(exchange, 200, Map.of("integrations",
                integrations.providers().stream().map(integrations::view).toList()));
    }

    public void get(Exchange exchange) throws Exception {
        String provider = known(exchange);
        if (provider != null) {
            Json.respond(exchange, 200, integrations.view(provider));
        }
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
