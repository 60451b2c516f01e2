package io.healthbridge.ingest;

import java.util.List;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventValidationException;
import io.healthbridge.store.DeadLetter;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.support.builder.ExpressionBuilder;

/**
 * The publish path every provider route ends in: {@code direct:ingest} maps a provider payload record by record and
 * stores its events and dead letters in one transaction; {@code direct:publish} validates and stores one canonical
 * event. The events table's unique event id drops duplicates in the same insert; what is new goes to the event bus.
 */
public class PublishRoutes extends RouteBuilder {

    /*
     * Plain expressions, not Simple's ${body.isEmpty()} or ${body.id}: Simple calls a method of the body through the
     * bean language, whose method cache hashed the whole body (every event's JSON) on each call, a tenth of the time
     * of a 288-reading payload in the benchmark.
     */
    /** The body, a list of what was stored, holds something. */
    private static final Predicate ANY = exchange -> !exchange.getMessage().getBody(List.class).isEmpty();
    /** The id of the event in the body. */
    private static final Expression ID = ExpressionBuilder.bodyExpression(CanonicalEvent.class, CanonicalEvent::id);

    @Override
    public void configure() {
        // a payload: mapped and validated record by record, then its events and dead letters stored in one
        // transaction (one commit, not one per event), then what is new handed to the bus in one message
        var ingest = from("direct:ingest").routeId("event-ingest")
                .setProperty(HealthbridgeHeaders.INGEST_SUMMARY, method("eventPipeline", "newSummary"))
                .setBody(method("eventPipeline", "map"))
                .setBody(method("eventPipeline", "storeAll"))
                .filter(ANY);
        handOff(ingest).end()
                .setBody(exchangeProperty(HealthbridgeHeaders.INGEST_SUMMARY));

        // one canonical event from anywhere else (lifecycle events, route files): validated, stored, handed off
        var stored = from("direct:publish").routeId("event-publish")
                .onException(EventValidationException.class).handled(true)
                    .bean("eventPipeline", "rejected")
                .end()
                .bean("eventPipeline", "validate")
                .setHeader(HealthbridgeHeaders.EVENT_ID, ID)
                // the events table is the dedup store: its unique event id turns a second insert into a duplicate
                .filter(method("eventPipeline", "store"));
        handOff(stored).end();

        // a provider's deletion: the events of the record it names replaced by tombstones, which go to the bus
        var deleted = from("direct:delete").routeId("event-delete")
                .setBody(method("eventPipeline", "delete"))
                .filter(ANY);
        handOff(deleted).end();

        // events made here (reconciled results): checked, stored in one transaction, handed off as a payload's are
        var made = from("direct:publish-batch").routeId("event-publish-batch")
                .setBody(method("eventPipeline", "checked"))
                .setBody(method("eventPipeline", "storeAll"))
                .filter(ANY);
        handOff(made).end();

        // stored events that no longer stand (header Healthbridge.reason says why): tombstones, to the bus
        var retracted = from("direct:retract").routeId("event-retract")
                .setBody(method("eventPipeline", "retract"))
                .filter(ANY);
        handOff(retracted).end();

        from("direct:dead-letter").routeId("event-dead-letter")
                .bean("eventPipeline", "deadLetter");

        if (!kafka()) {
            // embedded bus: webhook dispatch and WebSocket clients read the queue
            from("{{healthbridge.bus.uri}}").routeId("event-bus-dispatch")
                    .bean("eventHub", "dispatch");
            return;
        }
        // Kafka bus: the outbox relay (one instance of the cluster) sends stored events to the topic; publishing only
        // rings it. Webhook fan-out is a consumer group (instances share the partitions); every instance's WebSocket
        // hub reads every event in a group of its own, from the newest (clients resume from the store).
        String options = "brokers={{healthbridge.kafka.brokers}}{{healthbridge.kafka.options:}}";
        // a message of a user since erased cannot be opened (its key is gone) and goes no further
        var open = method("busSealer", "openMessage(${header[kafka.KEY]}, ${body})");
        from("timer:outbox-relay?period={{healthbridge.kafka.relay-interval-ms}}&delay=500").routeId("outbox-relay")
                .bean("outboxRelay", "kick");
        from("kafka:{{healthbridge.kafka.topic}}?" + options + "&groupId={{healthbridge.kafka.webhook-group}}"
             + "&autoOffsetReset=earliest&breakOnFirstError=true").routeId("event-bus-webhooks")
                .setBody(open)
                .filter(body().isNotNull())
                    .bean("webhookDispatcher", "fanOutConsumed");
        from("kafka:{{healthbridge.kafka.topic}}?" + options + "&groupId={{healthbridge.kafka.websocket-group-prefix}}"
             + instanceId() + "&autoOffsetReset=latest").routeId("event-bus-websocket")
                .setBody(open)
                .filter(body().isNotNull())
                    .bean("eventHub", "dispatch");
    }

    /**
     * What is stored goes to the bus: on the embedded bus the events themselves (one or a payload's list) to the
     * in-process queue; the Kafka bus reads them from the outbox, so publishing only rings the relay.
     */
    private <T extends ProcessorDefinition<T>> T handOff(T stored) {
        if (kafka()) {
            return stored.bean("outboxRelay", "kick");
        }
        return stored.to(ExchangePattern.InOnly, "{{healthbridge.bus.uri}}");
    }

    /** The producer URI of the events topic: every in-sync replica acknowledges, retries never duplicate. */
    public static String topicUri() {
        return "kafka:{{healthbridge.kafka.topic}}?brokers={{healthbridge.kafka.brokers}}{{healthbridge.kafka.options:}}"
               + "&requestRequiredAcks=all&enableIdempotence=true&synchronous=true&batchWithIndividualHeaders=true";
    }

    private boolean kafka() {
        return "kafka".equals(getContext().getPropertiesComponent().resolveProperty("healthbridge.bus").orElse("embedded"));
    }

    private String instanceId() {
        return getContext().getRegistry().lookupByNameAndType("instanceId", String.class);
    }
}
