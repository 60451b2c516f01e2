package io.healthbridge.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

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

    RouteControlApi(RouteControl control, Supplier<RouteFileLoader> loader) {
        this.control = control;
        this.loader = loader;
    }

    void control(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        String name = exchange.getIn().getHeader("action", String.class);
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
}
