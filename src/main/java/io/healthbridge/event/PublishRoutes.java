package io.healthbridge.event;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.store.DeadLetter;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

/**
 * The publish path every provider route ends in: {@code direct:ingest} maps a provider payload record by record;
 * {@code direct:publish} validates one canonical event, stores it in the events table, whose unique event id drops
 * duplicates in the same insert, and hands what is new to the event bus. What cannot be published goes to the dead-letter store.
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
                // the events table is the dedup store: its unique event id turns a second insert into a duplicate
                .filter(method("eventPipeline", "store"))
                    .setBody(method("eventPipeline", "json"))
                    .to(ExchangePattern.InOnly, "{{healthbridge.bus.uri}}")
                .end();

        from("direct:dead-letter").routeId("event-dead-letter")
                .bean("eventPipeline", "deadLetter");

        from("{{healthbridge.bus.uri}}").routeId("event-bus-dispatch")
                .bean("eventHub", "dispatch");
    }
}
