package io.healthbridge.config;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.cluster.Leadership;
import io.healthbridge.delivery.webhook.WebhookStore;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.imports.ImportStore;
import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.reconcile.DayView;
import io.healthbridge.reconcile.Priorities;
import io.healthbridge.reconcile.ReconcileQueue;
import io.healthbridge.reconcile.Reconciler;
import io.healthbridge.store.StoredEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Registry;

/**
 * One truth per person: source priorities ({@code priorities}), the reconciled day ({@code dayView}) and, unless
 * {@code healthbridge.reconcile.enabled} is false, the reconciler that publishes reconciled results as events
 * ({@code reconciler}: an outbox reader of its own, one instance of a cluster at a time).
 */
final class ReconcileWiring implements AutoCloseable {

    /** An import whose progress has not moved for this long no longer holds its person's days. */
    static final Duration IMPORT_QUIET = Duration.ofMinutes(2);

    private Leadership leadership;
    private Reconciler reconciler;

    ReconcileWiring(Registry registry, Settings settings, StoreWiring store, WebhookStore webhooks,
            ProducerTemplate producer, MeterRegistry meters, Clock clock) {
        Map<String, List<String>> order = new HashMap<>();
        for (String type : Priorities.TYPES) {
            String entries = settings.text("healthbridge.reconcile.priority." + type);
            order.put(type, List.of(entries.trim().split("\\s*,\\s*")));
        }
        Priorities priorities = new Priorities(store.database.dataSource(), order, clock);
        registry.bind("priorities", priorities);
        DayView days = new DayView(store.events, priorities);
        registry.bind("dayView", days);
        if (!enabled(settings)) {
            return;
        }
        int batch = settings.integer("healthbridge.reconcile.batch");
        if (batch < 1) {
            throw new IllegalArgumentException("healthbridge.reconcile.batch is '" + batch + "': it must be at least 1");
        }
        OutboxReader outbox = new OutboxReader(store.events, () -> webhooks.cursor(Reconciler.CURSOR),
                seq -> webhooks.saveCursor(Reconciler.CURSOR, seq), batch, clock, Duration.ofSeconds(1));
        outbox.init();
        leadership = new Leadership("reconciler", store.database.dataSource(), store.database.isPostgres(), clock);
        ImportStore importing = new ImportStore(store.database.dataSource(), clock);
        reconciler = new Reconciler(store.events, days, new ReconcileQueue(store.database.dataSource(), clock), outbox,
                new Reconciler.Publisher() {
                    @Override
                    public void publish(List<CanonicalEvent> events, long began) {
                        producer.sendBodyAndHeader("direct:publish-batch", events, HealthbridgeHeaders.WORK_BEGAN,
                                began);
                    }

                    @Override
                    public void retract(List<StoredEvent> events, String reason, long began) {
                        producer.sendBodyAndHeaders("direct:retract", events, Map.of(HealthbridgeHeaders.REASON, reason,
                                HealthbridgeHeaders.WORK_BEGAN, began));
                    }
                }, leadership::holds, () -> importing.importing(IMPORT_QUIET), meters, clock);
        registry.bind("reconciler", reconciler);
    }

    static boolean enabled(Settings settings) {
        return settings.flag("healthbridge.reconcile.enabled");
    }

    @Override
    public void close() {
        if (reconciler != null) {
            reconciler.flush();
        }
        if (leadership != null) {
            leadership.close();
        }
    }
}
