package io.healthbridge.api;

import java.util.UUID;

import io.healthbridge.http.ApiError;
import io.vertx.ext.web.Router;

/**
 * Every HTTP response carries {@code X-Request-ID} (the client's when it sent a sane one, else a new one): set on the
 * request before any route sees it, so the API's error bodies and logs use the same id, and added to any response
 * that did not set it itself (health, metrics, pages, WebSocket refusals). API answers also get
 * {@code Cache-Control: no-store} (they may hold tokens; Camel's HTTP header filter drops that header when a route sets it).
 */
public final class RequestIds {

    private RequestIds() {
    }

    public static void attach(Router router) {
        router.route().order(-2000).handler(ctx -> {
            String id = ctx.request().getHeader(ApiError.REQUEST_ID);
            if (id == null || id.isBlank() || id.length() > 200) {
                id = UUID.randomUUID().toString();
                ctx.request().headers().set(ApiError.REQUEST_ID, id);
            }
            String rid = id;
            boolean api = ctx.request().path() != null && ctx.request().path().startsWith("/api/v1/");
            ctx.addHeadersEndHandler(v -> {
                if (!ctx.response().headers().contains(ApiError.REQUEST_ID)) {
                    ctx.response().putHeader(ApiError.REQUEST_ID, rid);
                }
                if (api) {
                    ctx.response().putHeader("Cache-Control", "no-store");
                }
            });
            ctx.next();
        });
    }
}
