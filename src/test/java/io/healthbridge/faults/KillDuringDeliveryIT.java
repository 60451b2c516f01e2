package io.healthbridge.faults;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.healthbridge.support.CountingReceiver;
import io.healthbridge.support.PackagedRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged runtime is killed with SIGKILL while it delivers N events (10,000 under bench/faults) to a receiver
 * that takes 20 ms per request; restarted on the same data folder, it delivers the rest: the receiver ends with every
 * stored event's id as a distinct {@code webhook-id}. Duplicates are allowed (at least once), counted and reported.
 */
@ExtendWith(Verdict.class)
class KillDuringDeliveryIT {

    @TempDir
    Path work;


    @Test
    void killedWhileDeliveringItDeliversEveryEventAfterRestart() throws Exception {
        int n = Verdict.size(1000, 10_000);
        PackagedRuntime.prepare(work);
        Files.createDirectories(work.resolve("routes/faults"));
        Files.writeString(work.resolve("routes/faults/ingest.camel.yaml"), PackagedRuntime.INGEST_ROUTE);
        CountingReceiver receiver = new CountingReceiver(20);
        Map<String, Integer> received = receiver.received;
        Map<String, String> env = Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false", "HEALTHBRIDGE_DEMO_USERS", "",
                "HEALTHBRIDGE_WEBHOOKS_ALLOWED_TARGETS", "127.0.0.1", "HEALTHBRIDGE_WEBHOOKS_RETRY_SCHEDULE", "0s,1s,1s,1s,1s");
        try {
            long t0 = System.nanoTime();
            int atKill;
            try (PackagedRuntime first = PackagedRuntime.start(work, env)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> first.body("/api/v1/routes").contains("fault-ingest"));
                HttpResponse<String> sub = first.post("/api/v1/webhooks", "{\"url\":\"" + receiver.url()
                        + "\",\"event_types\":[\"health.heart_rate\"]}");
                assertThat(sub.statusCode()).isEqualTo(201);
                // the receiver is slow while the events go in, fast until a third is through, slow again when the
                // kill lands: mid-delivery whatever the machine's speed (publishing 1,000 events can take longer
                // than delivering them)
                receiver.delayMillis.set(1000);
                first.publishHeartRates(0, n);
                assertThat(first.events("type=health.heart_rate")).hasSize(n);
                receiver.delayMillis.set(20);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> received.size() >= n / 3);
                receiver.delayMillis.set(5000);
                atKill = received.size();
                first.kill();
                receiver.delayMillis.set(20);
            }
            assertThat(atKill).as("killed before everything was delivered").isLessThan(n);
            try (PackagedRuntime second = PackagedRuntime.start(work, env)) {
                Set<String> stored = second.events("type=health.heart_rate").stream().map(e -> e.get("id").asText())
                        .collect(Collectors.toSet());
                assertThat(stored).hasSize(n);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> received.keySet().containsAll(stored));
                int duplicates = receiver.duplicates();
                Verdict.figures("%d events, SIGKILL after %d delivered, restarted: %d distinct webhook-ids of %d stored "
                                + "events, %d duplicates, %.0f s in all", n, atKill, received.size(), stored.size(),
                        duplicates, (System.nanoTime() - t0) / 1e9);
                assertThat(received.keySet()).isEqualTo(stored);
            }
        } finally {
            receiver.close();
        }
    }
}
