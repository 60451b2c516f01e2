package io.healthbridge.backfill;

import io.healthbridge.http.ApiErrors;
import org.apache.camel.builder.RouteBuilder;

/** Backfill API and the {@code backfill-process} loop. */
public class BackfillRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.guard(this);
        BackfillApi api = getContext().getRegistry().lookupByNameAndType("backfillApi", BackfillApi.class);
        rest("/api/v1").produces("application/json")
                .post("/connections/{id}/backfill").id("api-backfill-start").to("direct:api-backfill-start")
                .get("/backfills/{id}").id("api-backfill-get").to("direct:api-backfill-get");
        from("direct:api-backfill-start").routeId("api-backfill-start-impl").process(api::start);
        from("direct:api-backfill-get").routeId("api-backfill-get-impl").process(api::get);
        from("timer:backfill-process?period={{healthbridge.backfill.poll-interval-ms}}&delay=1000")
                .routeId("backfill-process")
                .filter().method("maintenance", "isOff")
                    .bean("backfillRunner", "run");
    }
}
