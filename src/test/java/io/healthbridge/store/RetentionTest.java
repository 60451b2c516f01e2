package io.healthbridge.store;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.sun.net.httpserver.HttpServer;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.support.RunningHealthbridge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention on a running store: each kind of row goes once past its own retention (the runtime's configured defaults),
 * and what is still owed stays however old: events the fan-out has not passed or a pending delivery needs, open dead
 * letters, push notifications not processed. The purge runs with a clock moved forward.
 */
class RetentionTest {

    static final String USER = "ret-u";

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static HttpServer receiver;
    static int counter;

    @BeforeAll
    static void start() throws Exception {
        start(new Properties());
    }

    /** The runtime with {@code store} settings (none: the embedded store). */
    static void start(Properties p) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/ok", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        // the runtime's own round never runs here: the test runs rounds with a clock of its own
        p.setProperty("healthbridge.retention.interval-ms", "3600000");
        // every event is counted: no reconciled results beside them (the reconciler's cursor is bounded the same way)
        p.setProperty("healthbridge.reconcile.enabled", "false");
        hb = RunningHealthbridge.start(work, p);
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest.BodyPublishers
                .ofString("{\"url\":\"" + base + "/ok\",\"event_types\":[\"health.*\"]}"))).statusCode())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        hb.close();
        receiver.stop(0);
    }




    static List<String> publish(int n) {
        EventStore events = hb.runtime().context().getRegistry().lookupByNameAndType("eventStore", EventStore.class);
        MappingContext ctx = new MappingContext("withings", USER, USER, Instant.now(), null);
        List<CanonicalEvent> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = counter++;
            batch.add(EventBuilder.of(DataType.BODY_WEIGHT, ctx).sourceRecordId("r-" + k)
                    .at(OffsetDateTime.of(2026, 1, 1, 7, 0, 0, 0, ZoneOffset.UTC).plusMinutes(k))
                    .value(new BigDecimal("70.5"), "kg").build());
        }
        events.insertAll(batch, List.of());
        return batch.stream().map(CanonicalEvent::id).toList();
    }

    /** One round of the runtime's retention policy, with the clock {@code ahead} of now. */
    static Map<String, Long> purgeAt(Duration ahead) throws Exception {
        Retention configured = hb.runtime().context().getRegistry().lookupByNameAndType("retention", Retention.class);
        return new Retention(hb.store(), configured.policy(), new SimpleMeterRegistry(),
                Clock.offset(Clock.systemUTC(), ahead)).purge();
    }

    /** {@code events} deliveries delivered, and the fan-out's saved position past every event. */
    static void settle(long events) {
        await().atMost(Duration.ofSeconds(30)).until(() -> hb.count("SELECT COUNT(*) FROM webhook_deliveries WHERE "
                + "status = 'delivered'") == events && hb.count("SELECT COUNT(*) FROM outbox_cursors WHERE name = "
                + "'webhook-fanout' AND last_seq >= (SELECT MAX(seq) FROM events)") == 1);
    }

    @Test
    void eachKindGoesAfterItsOwnRetentionAndWhatIsOwedStays() throws Exception {
        List<String> first = publish(300);
        settle(300);
        // a hundred of them failed (a delivery ends failed after its last attempt)
        for (String id : first.subList(0, 100)) {
            hb.exec("UPDATE webhook_deliveries SET status = 'failed' WHERE event_id = ?", id);
        }
        for (int i = 0; i < 2; i++) {
            hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", "{not json " + i,
                    Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "sleep",
                            HealthbridgeHeaders.USER_ID, USER));
        }
        assertThat(hb.count("SELECT COUNT(*) FROM dead_letters")).isEqualTo(2);
        hb.exec("UPDATE dead_letters SET status = 'replayed' WHERE id = (SELECT MIN(id) FROM dead_letters)");
        Instant later = Instant.now().plus(Duration.ofDays(3650));
        for (String status : List.of("processed", "failed", "pending")) {
            hb.exec("INSERT INTO inbound_notifications (id, provider, connection_id, datasets, body, status, attempts, "
                 + "next_attempt_at, received_at) VALUES (?, 'oura', 'c-1', 'sleep', '{}', ?, 1, ?, ?)",
                    "n-" + status, status, java.sql.Timestamp.from(later), java.sql.Timestamp.from(Instant.now()));
        }
        long audit = hb.count("SELECT COUNT(*) FROM audit_log");
        assertThat(audit).isPositive();
        // attempts are kept for what did not succeed at once: one for each of ten deliveries here
        for (String id : List.of(first.get(0), first.get(1), first.get(2), first.get(3), first.get(4), first.get(200),
                first.get(201), first.get(202), first.get(203), first.get(204))) {
            hb.exec("INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, attempted_at, status_code) SELECT "
                 + "?, id, endpoint_id, updated_at, 500 FROM webhook_deliveries WHERE event_id = ?",
                    java.util.UUID.randomUUID().toString(), id);
        }
        assertThat(hb.count("SELECT COUNT(*) FROM webhook_attempts")).isEqualTo(10);

        // within every retention nothing goes
        assertThat(purgeAt(Duration.ofDays(1))).isEmpty();

        // past 7 days: delivered deliveries with their attempts, processed and failed notifications
        Map<String, Long> week = purgeAt(Duration.ofDays(8));
        assertThat(week).containsEntry("webhook_deliveries", 200L).containsEntry("inbound_notifications", 2L)
                .doesNotContainKeys("events", "dead_letters", "audit_log");
        assertThat(hb.count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed'")).isEqualTo(100);
        assertThat(hb.count("SELECT COUNT(*) FROM webhook_attempts")).isEqualTo(5);
        assertThat(hb.count("SELECT COUNT(*) FROM webhook_attempts a WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d "
                         + "WHERE d.id = a.delivery_id)")).isZero();
        assertThat(hb.count("SELECT COUNT(*) FROM inbound_notifications WHERE status = 'pending'")).isEqualTo(1);
        assertThat(hb.count("SELECT COUNT(*) FROM events")).isEqualTo(300);

        // events the fan-out has not read yet stay, however old (maintenance holds the fan-out)
        maintenance(true);
        List<String> late = publish(10);
        Map<String, Long> quarter = purgeAt(Duration.ofDays(100));
        assertThat(quarter).containsEntry("events", 300L).containsEntry("webhook_deliveries", 100L)
                .containsEntry("dead_letters", 1L).doesNotContainKey("audit_log");
        assertThat(hb.count("SELECT COUNT(*) FROM events")).isEqualTo(10);
        assertThat(hb.count("SELECT COUNT(*) FROM webhook_attempts")).isZero();
        assertThat(hb.count("SELECT COUNT(*) FROM dead_letters WHERE status = 'open'")).isEqualTo(1);
        assertThat(hb.getJson("/api/v1/events?limit=500").get("events")).hasSize(10);

        // an event a delivery still owes stays, with every event after it
        maintenance(false);
        settle(10);
        hb.exec("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE event_id = ? AND status = "
             + "'delivered'", java.sql.Timestamp.from(later), late.get(3));
        assertThat(purgeAt(Duration.ofDays(100))).containsEntry("events", 3L);
        assertThat(hb.count("SELECT COUNT(*) FROM events")).isEqualTo(7);
        assertThat(hb.count("SELECT COUNT(*) FROM events WHERE id = ?", late.get(3))).isEqualTo(1);

        // the audit log after a year; the runtime goes on publishing and delivering
        assertThat(purgeAt(Duration.ofDays(400))).containsKey("audit_log");
        assertThat(hb.count("SELECT COUNT(*) FROM audit_log")).isLessThan(audit);
        String next = publish(1).get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> hb.count("SELECT COUNT(*) FROM webhook_deliveries WHERE "
                + "status = 'delivered' AND event_id = ?", next) == 1);
    }

    @Test
    void anErasuresMarkGoesAfterADay() throws Exception {
        hb.exec("INSERT INTO erasure_marks (user_digest, erased_at) VALUES ('mark-old', ?), ('mark-new', ?)",
                java.sql.Timestamp.from(java.time.Instant.now().minus(Duration.ofHours(25))),
                java.sql.Timestamp.from(java.time.Instant.now().minus(Duration.ofHours(23))));
        assertThat(purgeAt(Duration.ZERO)).containsEntry("erasure_marks", 1L);
        assertThat(hb.count("SELECT COUNT(*) FROM erasure_marks WHERE user_digest = 'mark-new'")).isEqualTo(1);
        assertThat(hb.count("SELECT COUNT(*) FROM erasure_marks WHERE user_digest = 'mark-old'")).isZero();
    }

    static void maintenance(boolean on) throws Exception {
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/admin/maintenance")).POST(HttpRequest.BodyPublishers
                .ofString("{\"enabled\":" + on + "}"))).statusCode()).isEqualTo(200);
    }
}
