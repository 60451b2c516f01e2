package io.healthbridge.faults;

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
 * A route-file sink ({@code healthbridge-events:}, POSTing each event with the http component) is killed with SIGKILL
 * mid-stream; restarted on the same data folder it goes on from its cursor: the receiver ends with every stored
 * event's id. Duplicates are allowed (at least once), counted and reported.
 */
@ExtendWith(Verdict.class)
class SinkKillIT {

    @TempDir
    Path work;

    @Test
    void killedMidStreamASinkDeliversEveryEventAfterRestart() throws Exception {
        int n = Verdict.size(1000, 10_000);
        PackagedRuntime.prepare(work);
        Files.createDirectories(work.resolve("routes/faults"));
        Files.writeString(work.resolve("routes/faults/ingest.camel.yaml"), PackagedRuntime.INGEST_ROUTE);
        CountingReceiver receiver = new CountingReceiver(1000);
        Map<String, Integer> received = receiver.received;
        Files.createDirectories(work.resolve("routes/sinks"));
        Files.writeString(work.resolve("routes/sinks/http.camel.yaml"), """
                - route:
                    id: fault-sink
                    from:
                      uri: healthbridge-events:fault-http
                      parameters:
                        types: health.heart_rate
                      steps:
                        - setHeader:
                            name: webhook-id
                            simple: "${header.HealthbridgeEventId}"
                        - to: "%s"
                """.formatted(receiver.url()));
        Map<String, String> env = Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false", "HEALTHBRIDGE_DEMO_USERS", "");
        try {
            long t0 = System.nanoTime();
            int atKill;
            try (PackagedRuntime first = PackagedRuntime.start(work, env)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> first.body("/api/v1/routes").contains("fault-sink"));
                // slow while the events go in, fast until a third is through, slow again when the kill lands
                receiver.delayMillis.set(1000);
                first.publishHeartRates(0, n);
                assertThat(first.events("type=health.heart_rate")).hasSize(n);
                receiver.delayMillis.set(5);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> received.size() >= n / 3);
                receiver.delayMillis.set(5000);
                atKill = received.size();
                first.kill();
                receiver.delayMillis.set(5);
            }
            assertThat(atKill).as("killed before everything was delivered").isLessThan(n);
            try (PackagedRuntime second = PackagedRuntime.start(work, env)) {
                Set<String> stored = second.events("type=health.heart_rate").stream().map(e -> e.get("id").asText())
                        .collect(Collectors.toSet());
                assertThat(stored).hasSize(n);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> received.keySet().containsAll(stored));
                Verdict.figures("%d events to a route-file sink, SIGKILL after %d delivered, restarted: %d distinct "
                                + "ids of %d stored events, %d duplicates, %.0f s in all", n, atKill, received.size(),
                        stored.size(), receiver.duplicates(), (System.nanoTime() - t0) / 1e9);
                assertThat(received.keySet()).isEqualTo(stored);
            }
        } finally {
            receiver.close();
        }
    }
}
