package io.healthbridge.admin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import io.healthbridge.delivery.webhook.WebhookStore;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.http.Json;
import io.healthbridge.push.PushInbox;
import io.healthbridge.reload.RouteFileLoader;
import io.healthbridge.store.EventStore;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.spi.Registry;

/** Status, maintenance mode, the API docs page and the operator dashboard ({@code /}, {@code /ui/*}). */
public class AdminRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.guard(this);
        Registry registry = getContext().getRegistry();
        AdminApi api = new AdminApi(bean("maintenance", Maintenance.class), bean("eventStore", EventStore.class),
                bean("webhookStore", WebhookStore.class), bean("pushInbox", PushInbox.class),
                () -> registry.lookupByNameAndType("routeFileLoader", RouteFileLoader.class));
        AuditLog audit = bean("auditLog", AuditLog.class);
        RouteControl routeControl = bean("routeControl", RouteControl.class);
        MessageTracer tracer = new MessageTracer(Clock.systemUTC());
        RouteControlApi routes = new RouteControlApi(routeControl,
                () -> registry.lookupByNameAndType("routeFileLoader", RouteFileLoader.class), tracer);
        rest("/api/v1").produces("application/json")
                .post("/routes/{id}/{action}").id("api-routes-control").to("direct:api-routes-control")
                .get("/traces").id("api-traces-get").to("direct:api-traces-get")
                .delete("/traces").id("api-traces-stop").to("direct:api-traces-stop")
                .get("/status").id("api-status").to("direct:api-status")
                .get("/admin/maintenance").id("api-maintenance-get").to("direct:api-maintenance-get")
                .post("/admin/maintenance").id("api-maintenance-set").to("direct:api-maintenance-set")
                .get("/audit").id("api-audit").to("direct:api-audit");
        from("direct:api-audit").routeId("api-audit-impl").process(e -> {
            String limit = e.getIn().getHeader("limit", "100", String.class);
            int n;
            try {
                n = Math.max(1, Math.min(1000, Integer.parseInt(limit)));
            } catch (NumberFormatException ex) {
                ApiError.invalid(e, "limit must be a whole number", Map.of("parameter", "limit"));
                return;
            }
            Json.respond(e, 200, Map.of("entries", audit.list(
                    e.getIn().getHeader("action", String.class), e.getIn().getHeader("actor", String.class), n)));
        });
        from("direct:api-routes-control").routeId("api-routes-control-impl").process(routes::control);
        from("direct:api-traces-get").routeId("api-traces-get-impl")
                .process(e -> Json.respond(e, 200, tracer.session(e.getContext())));
        from("direct:api-traces-stop").routeId("api-traces-stop-impl").process(e -> {
            tracer.stop(e.getContext());
            Json.respond(e, 200, tracer.session(e.getContext()));
        });
        from("timer:message-trace-expiry?period=5000&delay=5000").routeId("message-trace-expiry")
                .process(e -> tracer.expire(e.getContext()));
        // instances sharing a store follow the routes an operator stopped or started on another one
        from("timer:route-control-refresh?period=5000&delay=5000").routeId("route-control-refresh")
                .process(e -> routeControl.refresh(e.getContext()));
        // instances sharing a store follow one another's maintenance switch (a read off the hot paths)
        from("timer:maintenance-refresh?period=1000&delay=1000").routeId("maintenance-refresh")
                .bean("maintenance", "refresh");
        // what the store has finished with goes once past its retention (healthbridge.retention.*)
        from("timer:retention-purge?period={{healthbridge.retention.interval-ms}}"
             + "&delay={{healthbridge.retention.interval-ms}}")
                .routeId("retention-purge")
                .filter().method("maintenance", "isOff")
                    .bean("retention", "purge");
        from("direct:api-status").routeId("api-status-impl").process(api::status);
        from("direct:api-maintenance-get").routeId("api-maintenance-get-impl").process(api::getMaintenance);
        from("direct:api-maintenance-set").routeId("api-maintenance-set-impl").process(api::setMaintenance);

        // the interactive API console: Swagger UI from its webjar, started by a script of ours
        page("/api/docs", "api-docs", "web/api-docs.html", "text/html; charset=utf-8");
        page("/api/docs/init.js", "api-docs-js", "web/api-docs.js", "text/javascript; charset=utf-8");
        SwaggerUi swagger = SwaggerUi.fromClasspath();
        swagger.files().forEach((name, type) -> file("/api/docs/" + name, "api-docs-" + name.replace('.', '-'),
                swagger.read(name), type));

        // the dashboard: a fixed set of files from the jar (Camel's static-content option serves any file of the
        // working directory, data/ included, so it stays off)
        page("/", "dashboard", "web/dashboard/index.html", "text/html; charset=utf-8");
        page("/ui/app.js", "dashboard-js", "web/dashboard/app.js", "text/javascript; charset=utf-8");
        page("/ui/charts.js", "dashboard-charts-js", "web/dashboard/charts.js", "text/javascript; charset=utf-8");
        page("/ui/person.js", "dashboard-person-js", "web/dashboard/person.js", "text/javascript; charset=utf-8");
        page("/ui/app.css", "dashboard-css", "web/dashboard/app.css", "text/css; charset=utf-8");
    }

    private void page(String path, String routeId, String resource, String contentType) {
        file(path, routeId, resource(resource), contentType);
    }

    private void file(String path, String routeId, Object content, String contentType) {
        from("platform-http:" + path + "?httpMethodRestrict=GET").routeId(routeId)
                .setHeader("Content-Type", constant(contentType))
                .setHeader("Content-Security-Policy", constant("default-src 'self'; connect-src 'self'; "
                        + "img-src 'self' data:; frame-ancestors 'none'"))
                .setHeader("X-Content-Type-Options", constant("nosniff"))
                .setHeader("Referrer-Policy", constant("no-referrer"))
                .setBody(constant(content));
    }

    private static String resource(String name) {
        try (var in = AdminRoutes.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(name + " is missing from the jar", e);
        }
    }

    /** A bean of the wiring, looked up once when the routes are built (NoSuchBeanException when it is missing). */
    private <T> T bean(String name, Class<T> type) {
        return CamelContextHelper.mandatoryLookup(getContext(), name, type);
    }
}
