package io.healthbridge.integration;

import io.healthbridge.http.ApiErrors;
import io.healthbridge.store.ConnectionStore;
import org.apache.camel.builder.RouteBuilder;

/** The integration registry API. */
public class IntegrationRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.guard(this);
        IntegrationApi api = new IntegrationApi(getContext().getRegistry().lookupByNameAndType("integrations",
                Integrations.class), getContext().getRegistry().lookupByNameAndType("connectionStore",
                ConnectionStore.class));
        rest("/api/v1/integrations").produces("application/json")
                .get().id("api-integrations-list").to("direct:api-integrations-list")
                .post().id("api-integrations-register").to("direct:api-integrations-register")
                .get("/{provider}").id("api-integrations-get").to("direct:api-integrations-get")
                .put("/{provider}").id("api-integrations-put").to("direct:api-integrations-put")
                .patch("/{provider}").id("api-integrations-patch").to("direct:api-integrations-patch")
                .delete("/{provider}").id("api-integrations-unregister").to("direct:api-integrations-unregister")
                .post("/{provider}/health-check").id("api-integrations-health-check")
                    .to("direct:api-integrations-health-check");
        // instances sharing a store follow one another's integration changes
        from("timer:integrations-refresh?period=2000&delay=2000").routeId("integrations-refresh")
                .bean("integrations", "refresh");
        from("direct:api-integrations-list").routeId("api-integrations-list-impl").process(api::list);
        from("direct:api-integrations-register").routeId("api-integrations-register-impl").process(api::register);
        from("direct:api-integrations-get").routeId("api-integrations-get-impl").process(api::get);
        from("direct:api-integrations-put").routeId("api-integrations-put-impl").process(e -> api.update(e, false));
        from("direct:api-integrations-patch").routeId("api-integrations-patch-impl").process(e -> api.update(e, true));
        from("direct:api-integrations-unregister").routeId("api-integrations-unregister-impl").process(api::unregister);
        from("direct:api-integrations-health-check").routeId("api-integrations-health-check-impl")
                .process(api::healthCheck);
    }
}
