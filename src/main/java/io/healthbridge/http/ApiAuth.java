package io.healthbridge.http;

import java.util.Map;
import java.util.Set;

import io.healthbridge.security.AuthCheck;
import io.healthbridge.security.Authenticator;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Guards the built-in {@code /api/} REST routes: an operator's access token or an API key as
 * {@code Authorization: Bearer <token>}, or an API key as {@code X-API-Key: <key>}; {@code read} keys and
 * {@code viewer} operators may GET, {@code admin} may do everything. Missing or bad credential: 401 AUTH_001; expired
 * access token: 401 AUTH_002; wrong scope: 403 AUTH_003. {@code /health}, {@code /metrics}, {@code /connect}, the API's
 * description and login/refresh stay open.
 */
public class ApiAuth implements Processor {

    public static final String PRINCIPAL = "Healthbridge.principal";
    /** Exchange properties kept for the audit log: responses clear the request headers. */
    public static final String METHOD = "Healthbridge.requestMethod";
    public static final String PATH = "Healthbridge.requestPath";
    /** The operator session of the request (absent for API keys). */
    public static final String SESSION = "Healthbridge.session";

    /** Reads only an admin may make: who the operators are, the keys, the audit log, message traces, Camel's consoles. */
    private static final Set<String> ADMIN_ONLY = Set.of("/api/v1/operators", "/api/v1/keys", "/api/v1/audit",
            "/api/v1/traces", "/api/v1/camel");
    /** Writes every authenticated principal may make about itself. */
    private static final Set<String> ANY_PRINCIPAL = Set.of("/api/v1/auth/logout");

    private static final Set<String> OPEN = Set.of("/api/openapi.json", "/api/docs", "/api/v1/auth/login",
            "/api/v1/auth/refresh");

    private final Authenticator auth;
    private final boolean everyPath;

    /** The check of the built-in API: paths under {@code /api/}, its description and sign-in open. */
    public ApiAuth(Authenticator auth) {
        this(auth, false);
    }

    /** @param everyPath check every path the route serves (a route file's HTTP routes), not only {@code /api/}. */
    public ApiAuth(Authenticator auth, boolean everyPath) {
        this.auth = auth;
        this.everyPath = everyPath;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String path = exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        String uri = exchange.getIn().getHeader(Exchange.HTTP_URI, String.class);
        String p = path != null && path.startsWith("/") ? path : uri == null ? "" : uri;
        exchange.setProperty(METHOD, exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class));
        exchange.setProperty(PATH, p);
        if (!everyPath && !p.startsWith("/api/") || OPEN.contains(p)) {
            return; // the API's own description is public, like /health; login needs no token
        }
        AuthCheck check = auth.check(key(exchange));
        if (!check.ok()) {
            deny(exchange, 401, check.code(), check.message());
            return;
        }
        String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
        boolean adminOnly = ADMIN_ONLY.stream().anyMatch(p::startsWith);
        if (adminOnly && !check.principal().may("POST")) {
            deny(exchange, 403, "AUTH_003", "only an admin may see this");
            return;
        }
        // ending one's own session is every principal's right, whatever its role
        if (!check.principal().may(method) && !ANY_PRINCIPAL.contains(p)) {
            deny(exchange, 403, "AUTH_003", check.sessionId() == null ? "this API key may only read"
                    : "the viewer role may only read");
            return;
        }
        exchange.setProperty(PRINCIPAL, check.principal());
        if (check.sessionId() != null) {
            exchange.setProperty(SESSION, check.sessionId());
        }
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
