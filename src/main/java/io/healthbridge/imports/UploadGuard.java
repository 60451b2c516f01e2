package io.healthbridge.imports;

import java.util.Locale;

import io.healthbridge.http.ApiErrors;
import io.healthbridge.security.AuthCheck;
import io.healthbridge.security.Authenticator;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses an upload before its body is read: Camel's platform-http reads a streamed body to its spool before the
 * route runs, so an upload is checked first, on the HTTP server, while the request waits paused: it is sent as
 * {@code application/octet-stream}, the length is given and within {@code healthbridge.imports.max-upload-bytes}, and the credential is an admin's (checked off the
 * event loop: an API key is a store look-up). A client without one never gets a byte to disk. The route checks the
 * credential again, as every API route does, and the length again as it copies.
 */
public final class UploadGuard {

    static final String PATH = "/api/v1/users/:id/imports";

    private UploadGuard() {
    }

    public static void attach(Router router, long maxBytes, Authenticator authenticator) {
        router.route(HttpMethod.POST, PATH).order(-1800).handler(ctx -> {
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
                authorize(ctx, authenticator);
            }
        });
    }

    private static void authorize(RoutingContext ctx, Authenticator authenticator) {
        String auth = ctx.request().getHeader("Authorization");
        String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim()
                : ctx.request().getHeader("X-API-Key");
        if (key == null || key.isBlank()) {
            refuse(ctx, 401, "AUTH_001", "an API key or access token is required");
            return;
        }
        ctx.request().pause();
        ctx.vertx().<AuthCheck>executeBlocking(() -> authenticator.check(key.trim()), false).onComplete(r -> {
            if (r.failed() || !r.result().ok()) {
                refuse(ctx, 401, "AUTH_001", r.succeeded() ? r.result().message() : "the credential cannot be checked");
            } else if (!r.result().principal().may("POST")) {
                refuse(ctx, 403, "AUTH_003", "only an admin may upload an export");
            } else if (!octetStream(ctx.request().getHeader("Content-Type"))) {
                // Camel streams only an octet-stream body; a form or multipart one it would try to parse
                refuse(ctx, 415, "VAL_001", "send the export (export.zip or export.xml) as the body, with "
                                            + "Content-Type: application/octet-stream");
            } else {
                ctx.next();
                if (!ctx.request().isEnded()) {
                    ctx.request().resume();
                }
            }
        });
    }

    private static boolean octetStream(String type) {
        return type != null && type.trim().toLowerCase(Locale.ROOT).startsWith("application/octet-stream");
    }

    /** Answers in the API's error format and closes the connection: the body is never read. */
    private static void refuse(RoutingContext ctx, int status, String code, String message) {
        ctx.response().putHeader("Connection", "close");
        ApiErrors.refuse(ctx, status, code, message);
    }
}
