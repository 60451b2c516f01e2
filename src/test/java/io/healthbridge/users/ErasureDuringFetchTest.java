package io.healthbridge.users;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.healthbridge.auth.ConnectionRevokedException;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.provider.ProviderPoller;
import io.healthbridge.provider.TimeWindow;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poll that read a person's connection before their erasure and brings its data back after it: nothing of it is
 * stored (each event counted as a skip, reason {@code person_erased}), while the same fetch for another person stores
 * what is new.
 */
class ErasureDuringFetchTest {

    static final String GONE = "late-4k";
    static final String KEPT = "stay-4k";

    @TempDir
    Path work;

    @Test
    void whatWasFetchedWithAConnectionReadBeforeTheErasureIsNotStoredAfterIt() throws Exception {
        Properties p = SimulatedProviders.settings(GONE + "," + KEPT);
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> hb.count("SELECT COUNT(*) FROM events WHERE subject = ? "
                    + "AND provider = 'oura'", GONE) > 0 && hb.count("SELECT COUNT(*) FROM events WHERE subject = ? "
                    + "AND provider = 'oura'", KEPT) > 0);
            var registry = hb.runtime().context().getRegistry();
            ConnectionStore connections = registry.lookupByNameAndType("connectionStore", ConnectionStore.class);
            ProviderPoller poller = registry.lookupByNameAndType("providerPoller", ProviderPoller.class);
            ProviderSimulator simulator = SimulatedProviders.simulator(hb);
            Connection gone = connections.list("oura", GONE).get(0);
            Connection kept = connections.list("oura", KEPT).get(0);
            TimeWindow day = new TimeWindow(Instant.now().minus(Duration.ofDays(1)), Instant.now());

            // a slow provider: the person's fetch is under way (its request accepted) when their erasure runs
            simulator.setLatency("oura", Duration.ofMillis(2500));
            CompletableFuture<IngestSummary> late = CompletableFuture.supplyAsync(() -> {
                try {
                    return fetch(poller, gone, day);
                } catch (ConnectionRevokedException e) {
                    return null; // its next page was asked for after the erasure: the connection is gone by then
                }
            });
            // and a sync of the same connection, which saves its cursor when its fetch is done
            CompletableFuture<Void> lateSync = CompletableFuture.runAsync(() -> {
                try {
                    poller.syncNow(gone, "sleep");
                } catch (ConnectionRevokedException e) {
                    // gone before it asked for more
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + GONE)).DELETE()).statusCode())
                    .isEqualTo(200);
            assertThat(late).isNotDone();
            IngestSummary brought = late.get(30, TimeUnit.SECONDS);
            lateSync.get(30, TimeUnit.SECONDS);
            assertThat(hb.count("SELECT COUNT(*) FROM sync_cursors WHERE connection_id = ?", gone.id()))
                    .as("no cursor outlives its connection").isZero();
            simulator.setLatency("oura", Duration.ZERO);

            assertThat(hb.count("SELECT COUNT(*) FROM events WHERE subject = ? AND type <> 'healthbridge.user.erased'",
                    GONE)).isZero();
            assertThat(SimulatedProviders.metric(hb, "healthbridge_records_skipped_total", "reason=\"person_erased\""))
                    .isPositive();
            if (brought != null) {
                assertThat(brought.published()).isZero();
                assertThat(brought.skippedByReason().get("person_erased")).isPositive();
            }
            assertThat(hb.count("SELECT COUNT(*) FROM dead_letters WHERE user_id = ?", GONE)).isZero();

            // the same fetch for someone else stores what is new
            hb.exec("DELETE FROM events WHERE subject = ? AND type = 'health.heart_rate'", KEPT);
            assertThat(fetch(poller, kept, day).published()).isPositive();
        }
    }

    static IngestSummary fetch(ProviderPoller poller, Connection c, TimeWindow window) {
        try {
            return poller.fetchWindow(c, "heartrate", window);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
