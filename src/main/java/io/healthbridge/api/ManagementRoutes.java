package io.healthbridge.api;

import org.apache.camel.builder.RouteBuilder;

/** Built-in endpoints every instance serves: health, Prometheus metrics and the route registry. */
public class ManagementRoutes extends RouteBuilder {

    static final String JSON = "application/json";

    @Override
    public void configure() {
        HealthReport health = new HealthReport();
        from("platform-http:/health?httpMethodRestrict=GET&produces=application/json").routeId("health")
                .process(exchange -> health.report(exchange, HealthReport.Kind.ALL));
        from("platform-http:/health/live?httpMethodRestrict=GET&produces=application/json").routeId("health-live")
                .process(exchange -> health.report(exchange, HealthReport.Kind.LIVENESS));
        from("platform-http:/health/ready?httpMethodRestrict=GET&produces=application/json").routeId("health-ready")
                .process(exchange -> health.report(exchange, HealthReport.Kind.READINESS));
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("metrics")
                .process(new PrometheusScrape());

        rest("/api/v1").produces(JSON)
                .get("/routes").id("api-routes-list").to("direct:api-routes-list");
        from("direct:api-routes-list").routeId("api-routes-list-impl")
                .process(new RoutesReport());
    }
}
