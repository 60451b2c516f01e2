package io.healthbridge.delivery.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar, with the simulator producing events, is killed with SIGKILL while its deliveries are being
 * retried against a failing receiver; restarted on the same data folder, it delivers every event: the receiver ends
 * with exactly the stored events' ids (duplicates allowed and counted).
 */
class WebhookCrashIT {

    static final String ADMIN = "hbk_crash-test-admin";

    @TempDir
    Path work;

    final HttpClient http = HttpClient.newHttpClient();

    Process start(int port, int simPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("healthbridge.jar", "target/healthbridge.jar")))
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("out.log").toFile()));
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        pb.environment().put("HEALTHBRIDGE_PUBLIC_URL", "http://127.0.0.1:" + port);
        pb.environment().put("HEALTHBRIDGE_SIMULATOR_PORT", String.valueOf(simPort));
        pb.environment().put("HEALTHBRIDGE_POLL_PERIOD_MS", "2000");
        // never the user's cache folder; the class archive has its own test (PackagedJarIT)
        pb.environment().put("HEALTHBRIDGE_CLASS_ARCHIVE", "none");
        pb.environment().put("HEALTHBRIDGE_ADMIN_API_KEY", ADMIN);
        pb.environment().put("HEALTHBRIDGE_WEBHOOKS_ALLOWED_TARGETS", "127.0.0.1");
        pb.environment().put("HEALTHBRIDGE_WEBHOOKS_RETRY_SCHEDULE", "0s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s");
        pb.environment().put("HEALTHBRIDGE_WEBHOOKS_BREAKER_OPEN", "500ms");
        Process p = pb.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> body(port, "/health").contains("\"status\":\"UP\""));
        return p;
    }

    String body(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("X-API-Key", ADMIN)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    Set<String> storedIds(int port) {
        Set<String> ids = new HashSet<>();
        for (String type : List.of("health.daily_activity", "health.sleep_session")) {
            for (JsonNode e : EventJson.read(body(port, "/api/v1/events?limit=500&type=" + type)).get("events")) {
                // reconciled results go only to filters that name them (reconciled:health.*), not to this one
                if (!e.at("/event/data/provider").asText().equals("reconciled")) {
                    ids.add(e.get("event").get("id").asText());
                }
            }
        }
        return ids;
    }

    @Test
    void killedDuringRetriesAndRestartedItDeliversEveryEvent() throws Exception {
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.createDirectories(work.resolve(p.toString()).getParent());
                Files.copy(p, work.resolve(p.toString()));
            }
        }
        try (Receiver receiver = new Receiver()) {
            receiver.status = 503;
            int port = RunningHealthbridge.freePort();
            Process first = start(port, RunningHealthbridge.freePort());
            try {
                HttpResponse<String> sub = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/webhooks")).header("X-API-Key", ADMIN).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.daily_activity\",\"health.sleep_session\"]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(sub.statusCode()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests.size() >= 20);
            } finally {
                List<ProcessHandle> runtime = first.descendants().toList(); // java -jar's bounded child JVM
                first.destroyForcibly(); // SIGKILL: no shutdown hook runs
                assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
                // the runtime goes with its launcher, as if killed itself
                await().atMost(Duration.ofSeconds(5)).until(() -> runtime.stream().noneMatch(ProcessHandle::isAlive));
            }
            assertThat(receiver.requests).allSatisfy(r -> assertThat(r.answered()).isEqualTo(503));

            receiver.status = 200;
            int port2 = RunningHealthbridge.freePort();
            Process second = start(port2, RunningHealthbridge.freePort());
            try {
                Set<String> stored = storedIds(port2);
                assertThat(stored).isNotEmpty();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Set<String> delivered = new HashSet<>();
                    receiver.requests.stream().filter(r -> r.answered() == 200).forEach(r -> delivered.add(r.id()));
                    assertThat(delivered).containsAll(stored);
                });
                long ok = receiver.requests.stream().filter(r -> r.answered() == 200).count();
                System.out.printf("webhook crash test: %d events, %d deliveries accepted, %d duplicates%n",
                        stored.size(), ok, ok - stored.size());
            } finally {
                second.destroy();
                second.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
