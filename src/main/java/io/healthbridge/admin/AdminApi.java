package io.healthbridge.admin;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.delivery.webhook.WebhookStore;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.push.PushInbox;
import io.healthbridge.reload.RouteFileLoader;
import io.healthbridge.reload.RouteFileStatus;
import io.healthbridge.store.EventStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;

/** {@code GET /api/v1/status} and {@code /api/v1/admin/maintenance}. */
public class AdminApi {

    private final Maintenance maintenance;
    private final EventStore events;
    private final WebhookStore webhooks;
    private final PushInbox push;
    private final Supplier<RouteFileLoader> routeFiles;

    /** @param routeFiles the route file loader, made after the routes are built */
    public AdminApi(Maintenance maintenance, EventStore events, WebhookStore webhooks, PushInbox push,
            Supplier<RouteFileLoader> routeFiles) {
        this.maintenance = maintenance;
        this.events = events;
        this.webhooks = webhooks;
        this.push = push;
        this.routeFiles = routeFiles;
    }

    public void status(Exchange exchange) throws Exception {
        CamelContext ctx = exchange.getContext();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version());
        body.put("uptime_seconds", ctx.getUptime().toSeconds());
        body.put("maintenance", maintenance(maintenance.state()));

        RouteFileLoader loader = routeFiles.get();
        long started = ctx.getRoutes().stream()
                .filter(r -> ctx.getRouteController().getRouteStatus(r.getRouteId()) == ServiceStatus.Started).count();
        body.put("routes", Map.of("total", ctx.getRoutes().size(), "started", started, "rejected_files",
                loader.statuses().stream().filter(s -> !s.ok()).map(RouteFileStatus::file).toList()));

        Map<String, Object> store = new LinkedHashMap<>();
        try {
            store.put("status", "UP");
            store.put("events", events.count());
        } catch (RuntimeException e) {
            store.put("status", "DOWN");
            store.put("error", e.getMessage());
        }
        body.put("store", store);
        body.put("bus", Map.of("uri", ctx.getPropertiesComponent().resolveProperty("healthbridge.bus.uri").orElse("")
                .replaceAll("\\?.*", "")));
        try {
            body.put("deliveries", Map.of("backlog", webhooks.backlog()));
            body.put("push", Map.of("pending", push.count("pending")));
        } catch (RuntimeException e) {
            body.put("deliveries", Map.of("error", e.getMessage()));
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        body.put("jvm", Map.of("heap_used_bytes", heap.getUsed(), "heap_max_bytes", heap.getMax(),
                "processors", Runtime.getRuntime().availableProcessors()));
        Json.respond(exchange, 200, body);
    }

    public void getMaintenance(Exchange exchange) throws Exception {
        Json.respond(exchange, 200, maintenance(maintenance.state()));
    }

    public void setMaintenance(Exchange exchange) throws Exception {
        JsonNode body;
        try {
            body = EventJson.readStrict(exchange.getIn().getBody(String.class));
        } catch (RuntimeException e) {
            ApiError.invalid(exchange, "a JSON object {\"enabled\": true|false, \"message\": \"…\"} is required", null);
            return;
        }
        if (!body.path("enabled").isBoolean()) {
            ApiError.respond(exchange, 400, "VAL_002", "field 'enabled' (true or false) is required",
                    Map.of("field", "enabled"));
            return;
        }
        String message = body.path("message").isTextual() ? body.get("message").asText() : null;
        if (message != null && message.length() > 500) {
            ApiError.invalid(exchange, "message: at most 500 characters", Map.of("field", "message"));
            return;
        }
        Json.respond(exchange, 200, maintenance(maintenance.set(body.get("enabled").asBoolean(), message)));
    }

    private static Map<String, Object> maintenance(Maintenance.State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.enabled());
        m.put("message", s.message());
        m.put("since", s.since() == null ? null : s.since().toString());
        return m;
    }

    static String version() {
        Package p = AdminApi.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
