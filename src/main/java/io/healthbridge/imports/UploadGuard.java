package io.healthbridge.imports;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses an upload before its body is read: Camel's platform-http reads a streamed body to its spool before the
 * route runs, so the checks that cost nothing are made first, on the HTTP server: a credential is there at all, the
 * length is given, and it is within {@code healthbridge.imports.max-upload-bytes}. The route then checks the
 * credential itself, and the length again as it copies.
 */
public final class UploadGuard {

    static final String PATH = "/api/v1/users/:id/imports";

    private UploadGuard() {
    }

    public static void attach(Router router, long maxBytes) {
        router.route(HttpMethod.POST, PATH).order(-1800).handler(ctx -> {
            String auth = ctx.request().getHeader("Authorization");
            String key = ctx.request().getHeader("X-API-Key");
            if ((auth == null || auth.isBlank()) && (key == null || key.isBlank())) {
                refuse(ctx, 401, "AUTH_001", "an API key or access token is required");
                return;
            }
            String length = ctx.request().getHeader("Content-Length");
            long bytes;
            try {
                bytes = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                bytes = -1;
            }
            if (bytes < 0) {
                refuse(ctx, 411, "VAL_001", "an upload gives its Content-Length");
            } else if (bytes > maxBytes) {
                refuse(ctx, 413, "VAL_001", "the export is larger than healthbridge.imports.max-upload-bytes ("
                                            + maxBytes + " bytes)");
            } else {
                ctx.next();
            }
        });
    }

    /** Answers in the API's error format and closes the connection: the body is never read. */
    private static void refuse(RoutingContext ctx, int status, String code, String message) {
        String id = ctx.request().getHeader("X-Request-ID");
        id = id == null ? UUID.randomUUID().toString() : id;
        String body = EventJson.write(EventJson.object().<ObjectNode>set("error", EventJson.object().put("code", code)
                .put("message", message)).put("request_id", id).put("timestamp", Instant.now().toString()));
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection",
                "close").putHeader("X-Request-ID", id).end(body);
    }
}
