package io.healthbridge.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.healthbridge.admin.RouteControl;
import io.healthbridge.http.Json;
import io.healthbridge.reload.RouteFileLoader;
import io.healthbridge.reload.RouteFileStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.MicrometerConstants;

/**
 * {@code GET /api/v1/routes}: every route with its file, status, operator hold ({@code stopped}, {@code suspended}),
 * uptime, exchange counts and last reload.
 */
class RoutesReport implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        CamelContext context = exchange.getContext();
        RouteFileLoader loader = context.getRegistry().lookupByNameAndType("routeFileLoader", RouteFileLoader.class);
        RouteControl control = context.getRegistry().lookupByNameAndType("routeControl", RouteControl.class);
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            String id = route.getRouteId();
            String file = loader == null ? null : loader.fileOf(id);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", id);
            r.put("source", file == null ? "built-in" : file);
            r.put("status", String.valueOf(context.getRouteController().getRouteStatus(id)));
            r.put("held", control == null ? null : control.hold(id).orElse(null));
            r.put("uptime_ms", route.getUptimeMillis());
            r.put("exchanges_total", count(meters, MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_TOTAL_METER_NAME, id));
            r.put("exchanges_failed", count(meters, MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILED_METER_NAME, id));
            if (file != null) {
                r.put("last_reload", fileJson(loader.statusOf(file)));
            }
            routes.add(r);
        }
        routes.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routes", routes);
        List<Map<String, Object>> files = new ArrayList<>();
        if (loader != null) {
            loader.statuses().forEach(s -> files.add(fileJson(s)));
            body.put("routes_dir", loader.getRoot().toString());
            body.put("last_reload", loader.lastResult() == null ? null : fileJson(loader.lastResult()));
        }
        body.put("files", files);
        Json.respond(exchange, 200, body);
    }

    private static long count(MeterRegistry meters, String name, String routeId) {
        if (meters == null) {
            return 0;
        }
        Counter c = meters.find(name).tag("routeId", routeId).counter();
        return c == null ? 0 : (long) c.count();
    }

    static Map<String, Object> fileJson(RouteFileStatus s) {
        Map<String, Object> f = new LinkedHashMap<>();
        if (s == null) {
            return f;
        }
        f.put("file", s.file());
        f.put("result", s.ok() ? "ok" : "rejected");
        f.put("routes", s.routeIds());
        f.put("defines", s.defines());
        if (!s.ok()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("file", s.file());
            error.put("line", s.line());
            error.put("reason", s.reason());
            f.put("error", error);
        }
        f.put("at", s.at().toString());
        return f;
    }
}
