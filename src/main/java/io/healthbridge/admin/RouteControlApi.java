package io.healthbridge.admin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.reload.RouteFileLoader;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;

/**
 * {@code POST /api/v1/routes/{id}/stop|start|suspend|resume}: an admin's control of the routes of route files (a
 * provider's poll, a sink, an integration). The runtime's own routes (the API, the dashboard, health) are not
 * controllable here: stopping them would lock the operator out. Audited like every change through the API.
 */
class RouteControlApi {

    private final RouteControl control;
    private final Supplier<RouteFileLoader> loader;
    private final MessageTracer tracer;

    RouteControlApi(RouteControl control, Supplier<RouteFileLoader> loader, MessageTracer tracer) {
        this.control = control;
        this.loader = loader;
        this.tracer = tracer;
    }

    void control(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        String name = exchange.getIn().getHeader("action", String.class);
        if ("trace".equals(name)) {
            trace(exchange, id);
            return;
        }
        Optional<RouteControl.Action> action = RouteControl.Action.of(name);
        if (action.isEmpty()) {
            ApiError.invalid(exchange, "action must be stop, start, suspend or resume",
                    Map.of("parameter", "action"));
            return;
        }
        if (id == null || exchange.getContext().getRoute(id) == null) {
            ApiError.notFound(exchange, "route");
            return;
        }
        RouteFileLoader files = loader.get();
        String file = files == null ? null : files.fileOf(id);
        if (file == null) {
            ApiError.respond(exchange, 409, "RES_003", "route '" + id + "' is built into the runtime: only the "
                    + "routes of route files can be stopped, started, suspended or resumed", Map.of("route", id));
            return;
        }
        ServiceStatus status = control.apply(exchange.getContext(), id, action.get());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("source", file);
        body.put("status", String.valueOf(status));
        body.put("held", control.hold(id).orElse(null));
        Json.respond(exchange, 200, body);
    }

    /**
     * {@code POST /api/v1/routes/{id}/trace {"minutes": 5, "max_messages": 100}}: Camel's backlog tracer on this one
     * route (any route, the runtime's own included: tracing only reads), at most 15 minutes and 500 messages.
     */
    private void trace(Exchange exchange, String id) throws Exception {
        if (id == null || exchange.getContext().getRoute(id) == null) {
            ApiError.notFound(exchange, "route");
            return;
        }
        String raw = exchange.getIn().getBody(String.class);
        JsonNode body;
        try {
            body = raw == null || raw.isBlank() ? EventJson.object() : EventJson.readStrict(raw);
        } catch (RuntimeException e) {
            body = null;
        }
        int minutes = body == null ? -1 : body.path("minutes").asInt(5);
        int max = body == null ? -1 : body.path("max_messages").asInt(100);
        if (body == null || !body.isObject() || minutes < 1 || minutes > MessageTracer.MAX_DURATION.toMinutes()
            || max < 1 || max > MessageTracer.MAX_MESSAGES) {
            ApiError.invalid(exchange, "the body is {\"minutes\": 1 to " + MessageTracer.MAX_DURATION.toMinutes()
                    + ", \"max_messages\": 1 to " + MessageTracer.MAX_MESSAGES + "}, both optional", Map.of());
            return;
        }
        Json.respond(exchange, 200, tracer.start(exchange.getContext(), id, Duration.ofMinutes(minutes), max));
    }
}
