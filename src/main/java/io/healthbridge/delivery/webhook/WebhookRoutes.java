package io.healthbridge.delivery.webhook;

import io.healthbridge.http.ApiErrors;
import org.apache.camel.builder.RouteBuilder;

/** The webhook API and the dispatch loop ({@code webhook-dispatch}: fan out, then send what is due). */
public class WebhookRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.guard(this);
        WebhookApi api = getContext().getRegistry().lookupByNameAndType("webhookApi", WebhookApi.class);
        rest("/api/v1/webhooks").produces("application/json")
                .post().id("api-webhooks-create").to("direct:api-webhooks-create")
                .get().id("api-webhooks-list").to("direct:api-webhooks-list")
                .get("/{id}").id("api-webhooks-get").to("direct:api-webhooks-get")
                .put("/{id}").id("api-webhooks-put").to("direct:api-webhooks-put")
                .patch("/{id}").id("api-webhooks-patch").to("direct:api-webhooks-patch")
                .delete("/{id}").id("api-webhooks-delete").to("direct:api-webhooks-delete")
                .get("/{id}/deliveries").id("api-webhooks-deliveries").to("direct:api-webhooks-deliveries")
                .get("/{id}/deliveries/{deliveryId}/attempts").id("api-webhooks-attempts").to("direct:api-webhooks-attempts")
                .post("/{id}/test").id("api-webhooks-test").to("direct:api-webhooks-test")
                .post("/{id}/retry-failed").id("api-webhooks-retry-failed").to("direct:api-webhooks-retry-failed")
                .post("/{id}/deliveries/{deliveryId}/retry").id("api-webhooks-retry-delivery")
                    .to("direct:api-webhooks-retry-delivery")
                .post("/{id}/replay").id("api-webhooks-replay").to("direct:api-webhooks-replay")
                .post("/{id}/rotate-secret").id("api-webhooks-rotate-secret").to("direct:api-webhooks-rotate-secret");
        from("direct:api-webhooks-create").routeId("api-webhooks-create-impl").process(api::create);
        from("direct:api-webhooks-list").routeId("api-webhooks-list-impl").process(api::list);
        from("direct:api-webhooks-get").routeId("api-webhooks-get-impl").process(api::get);
        from("direct:api-webhooks-put").routeId("api-webhooks-put-impl").process(e -> api.update(e, false));
        from("direct:api-webhooks-patch").routeId("api-webhooks-patch-impl").process(e -> api.update(e, true));
        from("direct:api-webhooks-delete").routeId("api-webhooks-delete-impl").process(api::delete);
        from("direct:api-webhooks-deliveries").routeId("api-webhooks-deliveries-impl").process(api::deliveries);
        from("direct:api-webhooks-attempts").routeId("api-webhooks-attempts-impl").process(api::attempts);
        from("direct:api-webhooks-test").routeId("api-webhooks-test-impl").process(api::test);
        from("direct:api-webhooks-retry-failed").routeId("api-webhooks-retry-failed-impl").process(api::retryFailed);
        from("direct:api-webhooks-retry-delivery").routeId("api-webhooks-retry-delivery-impl").process(api::retryDelivery);
        from("direct:api-webhooks-replay").routeId("api-webhooks-replay-impl").process(api::replay);
        from("direct:api-webhooks-rotate-secret").routeId("api-webhooks-rotate-secret-impl").process(api::rotateSecret);

        from("timer:webhook-dispatch?period={{healthbridge.webhooks.poll-interval-ms}}&delay=500")
                .routeId("webhook-dispatch")
                .filter().method("maintenance", "isOff")
                    .bean("webhookDispatcher", "run");
    }
}
