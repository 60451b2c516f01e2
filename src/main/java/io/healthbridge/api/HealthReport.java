package io.healthbridge.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.healthbridge.HealthbridgeRuntime;
import io.healthbridge.http.Json;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/** Renders Camel's health checks as JSON: UP/DOWN per check, 503 when any is DOWN. */
class HealthReport {

    enum Kind { ALL, LIVENESS, READINESS }

    void report(Exchange exchange, Kind kind) throws Exception {
        var context = exchange.getContext();
        Collection<HealthCheck.Result> results = switch (kind) {
            case LIVENESS -> HealthCheckHelper.invokeLiveness(context);
            case READINESS -> HealthCheckHelper.invokeReadiness(context);
            case ALL -> HealthCheckHelper.invoke(context);
        };
        // ready only once the route files present at start are applied: the HTTP server answers before that
        var loaded = context.getRegistry().lookupByNameAndType(HealthbridgeRuntime.ROUTE_FILES_LOADED,
                AtomicBoolean.class);
        boolean filesReady = kind == Kind.LIVENESS || loaded == null || loaded.get();
        boolean up = context.getStatus().isStarted() && filesReady
                     && results.stream().noneMatch(r -> r.getState() == HealthCheck.State.DOWN);
        List<Map<String, Object>> checks = new ArrayList<>();
        if (kind != Kind.LIVENESS) {
            Map<String, Object> files = new LinkedHashMap<>();
            files.put("name", "route-files");
            files.put("status", filesReady ? "UP" : "DOWN");
            if (!filesReady) {
                files.put("message", "the route files are being applied");
            }
            checks.add(files);
        }
        for (HealthCheck.Result r : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", r.getCheck().getId());
            check.put("status", r.getState().name());
            r.getMessage().ifPresent(m -> check.put("message", m));
            r.getError().ifPresent(e -> check.put("error", e.getMessage()));
            checks.add(check);
        }
        checks.sort((a, b) -> String.valueOf(a.get("name")).compareTo(String.valueOf(b.get("name"))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        Json.respond(exchange, up ? 200 : 503, body);
    }
}
