package io.healthbridge.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.http.ApiAuth;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.security.LoginLimiter;
import io.healthbridge.security.OperatorSessions;
import io.healthbridge.security.Operators;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

/**
 * Operator users: {@code POST /api/v1/auth/login|refresh|logout} and {@code /api/v1/operators} (admin only).
 * Passwords and hashes are never answered or logged.
 */
public class OperatorApi {

    private final LoginLimiter loginLimiter;
    private final Operators operators;
    private final OperatorSessions operatorSessions;

    public OperatorApi(LoginLimiter loginLimiter, Operators operators, OperatorSessions operatorSessions) {
        this.loginLimiter = loginLimiter;
        this.operators = operators;
        this.operatorSessions = operatorSessions;
    }

    public void login(Exchange exchange) throws Exception {
        String address = clientAddress(exchange);
        JsonNode body = Json.objectBody(exchange);
        if (body == null) {
            ApiError.invalid(exchange, "the body must be a JSON object {\"username\",\"password\"}", Map.of());
            return;
        }
        String username = text(body, "username");
        String password = text(body, "password");
        Map<String, String> missing = new LinkedHashMap<>();
        if (username == null) {
            missing.put("username", "required");
        }
        if (password == null) {
            missing.put("password", "required");
        }
        if (!missing.isEmpty()) {
            ApiError.respond(exchange, 400, "VAL_002", "missing field", missing);
            return;
        }
        Optional<Duration> wait = loginLimiter.attempt(address, username);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ApiError.respond(exchange, 429, "RATE_001", "too many login attempts; try again in " + seconds + " s",
                    Map.of("retry_after_seconds", seconds));
            exchange.getMessage().setHeader("Retry-After", String.valueOf(seconds));
            return;
        }
        Optional<Operators.Operator> op = operators.check(username, password);
        if (op.isEmpty()) {
            ApiError.respond(exchange, 401, "AUTH_001", "invalid username or password", Map.of());
            return;
        }
        tokens(exchange, operatorSessions.open(op.get()));
    }

    public void refresh(Exchange exchange) throws Exception {
        JsonNode body = Json.objectBody(exchange);
        String token = body == null ? null : text(body, "refresh_token");
        if (token == null) {
            ApiError.respond(exchange, 400, "VAL_002", "missing field", Map.of("refresh_token", "required"));
            return;
        }
        Optional<OperatorSessions.Tokens> t = operatorSessions
                .refresh(token);
        if (t.isEmpty()) {
            ApiError.respond(exchange, 401, "AUTH_001", "invalid, expired or revoked refresh token: log in again",
                    Map.of());
            return;
        }
        tokens(exchange, t.get());
    }

    public void logout(Exchange exchange) throws Exception {
        String sid = exchange.getProperty(ApiAuth.SESSION, String.class);
        if (sid == null) {
            ApiError.invalid(exchange, "logout ends an operator session; an API key is revoked with DELETE /api/v1/keys/{id}",
                    Map.of());
            return;
        }
        operatorSessions.revoke(sid);
        Json.respond(exchange, 200, Map.of("logged_out", true));
    }

    public void create(Exchange exchange) throws Exception {
        JsonNode body = Json.objectBody(exchange);
        if (body == null) {
            ApiError.invalid(exchange, "the body must be a JSON object {\"username\",\"password\",\"role\"}", Map.of());
            return;
        }
        try {
            Operators.Operator op = operators
                    .create(text(body, "username"), text(body, "password"), text(body, "role"));
            Json.respond(exchange, 201, json(op));
        } catch (IllegalArgumentException e) {
            ApiError.invalid(exchange, "invalid operator", field(e.getMessage()));
        } catch (Operators.AlreadyExistsException e) {
            ApiError.respond(exchange, 409, "RES_002", e.getMessage(), Map.of());
        }
    }

    public void update(Exchange exchange) throws Exception {
        String username = exchange.getIn().getHeader("username", String.class);
        JsonNode body = Json.objectBody(exchange);
        if (body == null) {
            ApiError.invalid(exchange, "the body must be a JSON object {\"password\",\"role\"}", Map.of());
            return;
        }
        Optional<Operators.Operator> current = operators.find(username);
        if (current.isEmpty()) {
            ApiError.notFound(exchange, "operator '" + username + "'");
            return;
        }
        String role = body.has("role") ? text(body, "role") : current.get().role();
        try {
            operators.update(username, text(body, "password"), role);
        } catch (IllegalArgumentException e) {
            ApiError.invalid(exchange, "invalid operator", field(e.getMessage()));
            return;
        }
        Json.respond(exchange, 200, json(operators.find(username).orElseThrow()));
    }

    public void list(Exchange exchange) throws Exception {
        List<Map<String, Object>> out = operators.list().stream()
                .map(OperatorApi::json).toList();
        Json.respond(exchange, 200, Map.of("operators", out));
    }

    public void delete(Exchange exchange) throws Exception {
        String username = exchange.getIn().getHeader("username", String.class);
        if (!operators.delete(username)) {
            ApiError.notFound(exchange, "operator '" + username + "'");
            return;
        }
        Json.respond(exchange, 200, Map.of("username", Operators.normalise(username), "deleted", true));
    }

    private static void tokens(Exchange exchange, OperatorSessions.Tokens t) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", t.accessToken());
        out.put("token_type", "Bearer");
        out.put("expires_in", t.expiresIn());
        out.put("refresh_token", t.refreshToken());
        out.put("operator", json(t.operator()));
        Json.respond(exchange, 200, out); // Cache-Control: no-store is added to every API answer (RequestIds)
    }

    static Map<String, Object> json(Operators.Operator op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", op.username());
        m.put("role", op.role());
        m.put("created_at", op.createdAt() == null ? null : op.createdAt().toString());
        m.put("last_login_at", op.lastLoginAt() == null ? null : op.lastLoginAt().toString());
        return m;
    }

    /** "field: message" as the error details. */
    private static Map<String, String> field(String message) {
        int colon = message.indexOf(':');
        return colon < 0 ? Map.of("body", message)
                : Map.of(message.substring(0, colon), message.substring(colon + 1).trim());
    }


    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    static String clientAddress(Exchange exchange) {
        Object remote = exchange.getIn().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        if (remote instanceof SocketAddress a) {
            return a.hostAddress() == null ? String.valueOf(a.host()) : a.hostAddress();
        }
        return remote == null ? "unknown" : remote.toString();
    }
}
