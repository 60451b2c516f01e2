package io.healthbridge.http;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.security.Authenticator;
import io.healthbridge.store.StoreException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error format on every error path: failures inside API routes (a store that does not answer: 503 SYS_002;
 * anything else: 500 SYS_001, logged with the request id, never shown to the client), and the HTTP server's own
 * refusals (no such path or method 404, body too large 413).
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /**
     * What every built-in REST route gets, in one place: failures answered in the error format, and the API's
     * credential check ({@link ApiAuth}) in front of each {@code rest} route, with the registry's
     * {@code authenticator}.
     */
    public static void guard(RouteBuilder routes) {
        handle(routes);
        routes.interceptFrom("rest*").process(new ApiAuth(CamelContextHelper.mandatoryLookup(routes.getContext(),
                "authenticator", Authenticator.class)));
    }

    /** Error handling of a route builder's API routes; call first in {@code configure()}. */
    public static void handle(RouteBuilder routes) {
        handle(routes::onException, e -> true);
    }

    /**
     * The error answers, declared through {@code onException} (of a route builder or a route configuration), for the
     * exchanges {@code applies} accepts.
     */
    static void handle(Function<Class<? extends Throwable>, OnExceptionDefinition> onException,
            Predicate<Exchange> applies) {
        // a value the store cannot take (PostgreSQL's data exceptions, SQLSTATE class 22: a NUL in a path id) is the
        // request's fault, not the store's
        onException.apply(StoreException.class).onWhen(e -> applies.test(e) && dataException(e)).handled(true)
                .process(e -> ApiError.respond(e, 400, "VAL_001", "the request holds a value the store cannot take "
                                                               + "(such as a NUL character)", Map.of()));
        onException.apply(StoreException.class).onWhen(applies::test).handled(true).process(e -> fail(e, 503,
                "SYS_002", "the store is not answering; try again shortly"));
        onException.apply(Exception.class).onWhen(applies::test).handled(true).process(e -> fail(e, 500, "SYS_001",
                "internal error; quote the request id when reporting it"));
    }

    static boolean dataException(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    private static void fail(Exchange exchange, int status, String code, String message) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String id = ApiError.requestId(exchange);
        LOG.error("Request {} {} {} failed: {}", id, exchange.getProperty(ApiAuth.METHOD, String.class),
                exchange.getProperty(ApiAuth.PATH, String.class), cause == null ? "?" : cause.toString(), cause);
        ApiError.respond(exchange, status, code, message, Map.of());
    }

    /**
     * The server's own refusals as API errors: a request no route took (no such path, or a method the path does not
     * serve: Camel's router is a sub-router, whose 404/405 would otherwise be Vert.x's HTML page) and a body over the
     * limit (413).
     */
    public static void attach(Router router) {
        router.route().order(Integer.MAX_VALUE - 10).handler(ctx -> write(ctx.response(),
                ctx.request().getHeader(ApiError.REQUEST_ID), 404, "RES_001",
                "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
        // a failure handler, not errorHandler(413): a sub-router's error handlers are not consulted
        router.route().order(-2100).failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                // read the rest of the body and throw it away before answering: closing on unread bytes makes the
                // kernel send a reset, which can wipe the 413 from the client's buffer before it reads it
                HttpServerRequest request = ctx.request();
                if (!request.isEnded()) {
                    request.handler(chunk -> { });
                    request.resume();
                }
                write(ctx.response(), ctx.request().getHeader(ApiError.REQUEST_ID), 413, "VAL_001",
                        "request body too large");
            } else {
                ctx.next();
            }
        });
    }

    /** Answers in the error format a request the HTTP server refuses before any route runs. */
    public static void refuse(RoutingContext ctx, int status, String code, String message) {
        write(ctx.response(), ctx.request().getHeader(ApiError.REQUEST_ID), status, code, message);
    }

    private static void write(HttpServerResponse response, String requestId, int status, String code, String message) {
        if (response.ended() || response.headWritten()) {
            return;
        }
        String id = requestId == null ? UUID.randomUUID().toString() : requestId;
        String body = EventJson.write(EventJson.object()
                .<ObjectNode>set("error", EventJson.object()
                        .put("code", code).put("message", message).set("details", EventJson.object()))
                .put("request_id", id).put("timestamp", Instant.now().toString()));
        response.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader(ApiError.REQUEST_ID, id)
                .end(body);
    }
}
