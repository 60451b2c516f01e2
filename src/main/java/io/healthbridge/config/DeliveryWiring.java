package io.healthbridge.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.healthbridge.admin.AuditLog;
import io.healthbridge.admin.Maintenance;
import io.healthbridge.admin.RouteControl;
import io.healthbridge.api.ActivityHistory;
import io.healthbridge.cluster.BusSealer;
import io.healthbridge.cluster.Leadership;
import io.healthbridge.cluster.OutboxRelay;
import io.healthbridge.delivery.webhook.WebhookApi;
import io.healthbridge.delivery.webhook.WebhookDispatcher;
import io.healthbridge.delivery.webhook.WebhookStore;
import io.healthbridge.delivery.websocket.WebSocketHub;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.ingest.PublishRoutes;
import io.healthbridge.reconcile.Reconciler;
import io.healthbridge.sink.HealthbridgeEventsComponent;
import io.healthbridge.sink.Sinks;
import io.healthbridge.store.Database;
import io.healthbridge.store.OutboxCursors;
import io.healthbridge.store.Retention;
import io.healthbridge.store.UserKeyStore;
import io.healthbridge.telemetry.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Getting events out: signed webhooks (store, dispatcher and its sender threads), the WebSocket stream, maintenance
 * mode, the audit log, retention (what the store keeps is bounded by what delivery has read), and on the Kafka bus
 * the relay from the outbox to the topic.
 */
final class DeliveryWiring {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWiring.class);
    /** The outbox position the Kafka relay has sent up to. */
    static final String RELAY_CURSOR = "kafka-relay";

    final WebSocketHub webSocketHub;
    private final ExecutorService senders;
    private final WebhookDispatcher dispatcher;
    private final OutboxRelay relay;

    DeliveryWiring(CamelContext context, Settings settings, StoreWiring store, SecurityWiring security,
            ProducerTemplate producer, MeterRegistry meters, Clock clock) {
        Registry registry = context.getRegistry();
        Database database = store.database;
        WebhookStore webhooks = new WebhookStore(database.dataSource(), security.secrets, clock);
        TargetPolicy targets = new TargetPolicy(settings.text("healthbridge.webhooks.allowed-targets"));
        WebhookDispatcher.Settings ws = new WebhookDispatcher.Settings(
                settings.durations("healthbridge.webhooks.retry-schedule"),
                settings.millis("healthbridge.webhooks.timeout-ms"),
                settings.duration("healthbridge.webhooks.disable-after"),
                settings.integer("healthbridge.webhooks.max-concurrency-per-endpoint"),
                settings.duration("healthbridge.webhooks.secret-rotation-overlap"),
                settings.duration("healthbridge.webhooks.breaker-open"));
        senders = Executors.newFixedThreadPool(settings.integer("healthbridge.webhooks.threads"), r -> {
            Thread t = new Thread(r, "webhook-sender");
            t.setDaemon(true);
            return t;
        });
        dispatcher = new WebhookDispatcher(webhooks, store.events, targets, ws, meters, clock, senders);
        dispatcher.setAnnouncer(e -> producer.sendBody("direct:publish", e));
        dispatcher.setTracing(registry.lookupByNameAndType("tracing", Tracing.class));
        dispatcher.initCursor();

        webSocketHub = new WebSocketHub(security.authenticator, store.events, meters,
                settings.integer("healthbridge.websocket.max-buffer-bytes"),
                settings.number("healthbridge.websocket.ping-interval-ms"));
        webSocketHub.setRecheckMillis(settings.number("healthbridge.websocket.credential-recheck-ms"));
        store.hub.addListener(webSocketHub::onEvent);
        registry.bind("webSocketHub", webSocketHub);
        ActivityHistory activity = new ActivityHistory(meters, clock, store.events);
        store.hub.addListener(activity::onEvent);
        dispatcher.setAttemptListener(activity::onAttempt);
        registry.bind("activityHistory", activity);

        Maintenance maintenance = new Maintenance(database.dataSource(), clock);
        registry.bind("maintenance", maintenance);
        dispatcher.setActive(maintenance::isOff);
        maintenance.onResume(dispatcher::run); // what waited during maintenance is sent now, not at the next poll
        // route-file sinks: healthbridge-events:<sink id>, paused by maintenance, one instance of a cluster each
        Sinks sinks = new Sinks(store.events, new OutboxCursors(database.dataSource()), meters, clock,
                maintenance::isOff, name -> {
                    Leadership lead = new Leadership(name, database.dataSource(), database.isPostgres(), clock);
                    return new Sinks.Lead() {
                        @Override
                        public boolean holds() {
                            return lead.holds();
                        }

                        @Override
                        public void close() {
                            lead.close();
                        }
                    };
                });
        registry.bind("sinks", sinks);
        context.addComponent(HealthbridgeEventsComponent.SCHEME, new HealthbridgeEventsComponent(sinks));
        if (kafkaBus(settings)) {
            dispatcher.setFedByBus();
            OutboxReader relayed = new OutboxReader(store.events, () -> webhooks.cursor(RELAY_CURSOR),
                    seq -> webhooks.saveCursor(RELAY_CURSOR, seq), 500, clock);
            relayed.init();
            // events on the topic are encrypted with their user's key; an erasure notice makes every instance forget it
            BusSealer sealer = new BusSealer(new UserKeyStore(database.dataSource(), clock), security.secrets, meters);
            store.hub.addListener(sealer::onEvent);
            registry.bind("busSealer", sealer);
            relay = new OutboxRelay(relayed, new Leadership("outbox-relay", database.dataSource(), database.isPostgres(),
                    clock), producer, context, PublishRoutes.topicUri(), sealer);
            registry.bind("outboxRelay", relay);
            if (!database.isPostgres()) {
                LOG.warn("The Kafka bus runs on the embedded store: instances do not share state; point "
                         + "healthbridge.store.url at one PostgreSQL database for every instance");
            }
        } else {
            relay = null;
            // a new event rings the dispatcher at once instead of waiting for the next poll (latency, not correctness)
            store.hub.addListener(e -> dispatcher.kick());
        }
        registry.bind("retention", retention(settings, database, relay != null, meters, clock));
        // camel-main adds EventNotifier beans of the registry to the context itself
        registry.bind("auditLog", new AuditLog(database.dataSource(), clock));
        registry.bind("routeControl", new RouteControl(database.dataSource(), clock));
        registry.bind("webhookStore", webhooks);
        registry.bind("webhookDispatcher", dispatcher);
        registry.bind("webhookApi", new WebhookApi(webhooks, store.events, targets, dispatcher));
    }

    /** What the store keeps and for how long; events are bounded by the outbox reader running here. */
    static Retention retention(Settings settings, Database database, boolean kafka, MeterRegistry meters, Clock clock) {
        String p = "healthbridge.retention.";
        return new Retention(database.dataSource(), new Retention.Policy(settings.keptFor(p + "events"),
                settings.keptFor(p + "delivered-deliveries"), settings.keptFor(p + "failed-deliveries"),
                settings.keptFor(p + "dead-letters"), settings.keptFor(p + "notifications"), settings.keptFor(p + "audit"),
                positive(settings, p + "batch-size"), settings.millis(p + "pause-ms"),
                readers(settings, kafka)), meters, clock);
    }

    /** The outbox readers running here, whose cursors bound what retention may remove. */
    static List<String> readers(Settings settings, boolean kafka) {
        List<String> readers = new ArrayList<>(List.of(kafka ? RELAY_CURSOR : WebhookDispatcher.CURSOR));
        if (ReconcileWiring.enabled(settings)) {
            readers.add(Reconciler.CURSOR);
        }
        return readers;
    }

    private static int positive(Settings settings, String key) {
        int n = settings.integer(key);
        if (n < 1) {
            throw new IllegalArgumentException(key + " is '" + n + "': it must be at least 1");
        }
        return n;
    }

    static boolean kafkaBus(Settings settings) {
        String bus = settings.text("healthbridge.bus").trim();
        if (!bus.equals("embedded") && !bus.equals("kafka")) {
            throw new IllegalArgumentException("healthbridge.bus is '" + bus + "': it must be embedded or kafka");
        }
        return bus.equals("kafka");
    }

    void close() {
        if (relay != null) {
            relay.close();
        }
        dispatcher.close();
        senders.shutdownNow();
    }
}
