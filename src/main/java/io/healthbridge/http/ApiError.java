package io.healthbridge.http;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;

/**
 * The one error body of the API: {@code {"error":{"code","message","details"},"request_id","timestamp"}}. Codes:
 * AUTH_001 invalid credentials, AUTH_002 token expired, AUTH_003 insufficient permissions, VAL_001 validation,
 * VAL_002 missing field, RES_001 not found, RES_002 already exists, RATE_001 rate limited, SYS_001 internal,
 * SYS_002 unavailable.
 */
public final class ApiError {

    public static final String REQUEST_ID = "X-Request-ID";

    private ApiError() {
    }

    public static void respond(Exchange exchange, int status, String code, String message, Map<String, ?> details)
            throws Exception {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("details", details == null ? Map.of() : details);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("request_id", requestId(exchange));
        body.put("timestamp", Instant.now().toString());
        Json.respond(exchange, status, body);
    }

    public static void notFound(Exchange exchange, String what) throws Exception {
        respond(exchange, 404, "RES_001", what + " not found", null);
    }

    public static void invalid(Exchange exchange, String message, Map<String, ?> details) throws Exception {
        respond(exchange, 400, "VAL_001", message, details);
    }

    /** The client's X-Request-ID when it sent one, else a new one; kept on the exchange for the response. */
    public static String requestId(Exchange exchange) {
        String id = exchange.getProperty(REQUEST_ID, String.class);
        if (id == null) {
            id = exchange.getIn().getHeader(REQUEST_ID, String.class);
            if (id == null || id.isBlank() || id.length() > 200) {
                id = UUID.randomUUID().toString();
            }
            exchange.setProperty(REQUEST_ID, id);
        }
        return id;
    }
}
