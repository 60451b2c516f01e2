package io.healthbridge.api;

import java.util.Map;
import java.util.Optional;

import io.healthbridge.security.ApiKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Guards the built-in {@code /api/} REST routes: an API key as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}; {@code read} keys may GET, {@code admin} keys may do everything. Missing or bad key: 401
 * AUTH_001; wrong scope: 403 AUTH_003. {@code /health}, {@code /metrics} and {@code /connect} stay open.
 */
public class ApiAuth implements Processor {

    public static final String PRINCIPAL = "Healthbridge.principal";
    /** Exchange properties kept for the audit log: responses clear the request headers. */
    public static final String METHOD = "Healthbridge.requestMethod";
    public static final String PATH = "Healthbridge.requestPath";

    @Override
    public void process(Exchange exchange) throws Exception {
        String path = exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        String uri = exchange.getIn().getHeader(Exchange.HTTP_URI, String.class);
        String p = path != null && path.startsWith("/") ? path : uri == null ? "" : uri;
        exchange.setProperty(METHOD, exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class));
        exchange.setProperty(PATH, p);
        if (!p.startsWith("/api/") || p.equals("/api/openapi.json") || p.equals("/api/docs")) {
            return; // the API's own description is public, like /health
        }
        ApiKeys keys = exchange.getContext().getRegistry().lookupByNameAndType("apiKeys", ApiKeys.class);
        String key = key(exchange);
        if (key == null) {
            deny(exchange, 401, "AUTH_001", "an API key is required: Authorization: Bearer <key> or X-API-Key: <key>");
            return;
        }
        Optional<ApiKeys.Principal> principal = keys.authenticate(key);
        if (principal.isEmpty()) {
            deny(exchange, 401, "AUTH_001", "invalid API key");
            return;
        }
        String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
        if (!principal.get().may(method)) {
            deny(exchange, 403, "AUTH_003", "this API key may only read");
            return;
        }
        exchange.setProperty(PRINCIPAL, principal.get());
        // the key must not travel further (logs, outgoing calls)
        exchange.getIn().removeHeader("Authorization");
        exchange.getIn().removeHeader("X-API-Key");
    }

    static String key(Exchange exchange) {
        String auth = exchange.getIn().getHeader("Authorization", String.class);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String header = exchange.getIn().getHeader("X-API-Key", String.class);
        return header == null || header.isBlank() ? null : header.trim();
    }

    private static void deny(Exchange exchange, int status, String code, String message) throws Exception {
        ApiError.respond(exchange, status, code, message, Map.of());
        if (status == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        exchange.setRouteStop(true);
    }
}
