package io.healthbridge.event;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.store.DeadLetter;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

/**
 * The publish path every provider route ends in: {@code direct:ingest} maps a provider payload record by record;
 * {@code direct:publish} validates one canonical event, drops duplicates (Camel's idempotent consumer on the durable
 * JDBC repository), stores it and hands it to the event bus. What cannot be published goes to the dead-letter store.
 */
public class PublishRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:ingest").routeId("event-ingest")
                .setProperty(HealthbridgeHeaders.INGEST_SUMMARY, method("eventPipeline", "newSummary"))
                .setBody(method("eventPipeline", "map"))
                .split(body()).stopOnException()
                    .choice()
                        .when(body().isInstanceOf(DeadLetter.class)).to("direct:dead-letter")
                        .otherwise().to("direct:publish")
                    .end()
                .end()
                .setBody(exchangeProperty(HealthbridgeHeaders.INGEST_SUMMARY));

        from("direct:publish").routeId("event-publish")
                .onException(EventValidationException.class).handled(true)
                    .bean("eventPipeline", "rejected")
                .end()
                .bean("eventPipeline", "validate")
                .setHeader(HealthbridgeHeaders.EVENT_ID, simple("${body.id}"))
                .idempotentConsumer(header(HealthbridgeHeaders.EVENT_ID))
                        .idempotentRepository("eventIdRepository").skipDuplicate(false)
                    .choice()
                        .when(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                            .bean("eventPipeline", "duplicate")
                        .otherwise()
                            .setBody(method("eventPipeline", "persist"))
                            .to(ExchangePattern.InOnly, "{{healthbridge.bus.uri}}")
                    .end()
                .end();

        from("direct:dead-letter").routeId("event-dead-letter")
                .bean("eventPipeline", "deadLetter");

        from("{{healthbridge.bus.uri}}").routeId("event-bus-dispatch")
                .bean("eventHub", "dispatch");
    }
}
