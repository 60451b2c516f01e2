package io.healthbridge.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.store.Database;
import io.healthbridge.store.UserKeyStore;
import io.healthbridge.support.KafkaBroker;
import io.healthbridge.support.RunningHealthbridge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One runtime on the Kafka bus (a real in-process KRaft broker): published events reach the topic keyed by user,
 * webhook endpoints through the webhook consumer group, and WebSocket clients through the instance's own group.
 */
class KafkaBusTest {

    static final String TOPIC = "hb-events";

    @TempDir
    static Path work;
    static KafkaBroker kafka;
    static RunningHealthbridge hb;
    static com.sun.net.httpserver.HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaBroker.start();
        kafka.createTopic(TOPIC, 3);
        receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            received.add(ex.getRequestHeaders().getFirst("webhook-id"));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Properties p = new Properties();
        p.setProperty("healthbridge.bus", "kafka");
        p.setProperty("healthbridge.kafka.brokers", kafka.bootstrapServers());
        p.setProperty("healthbridge.kafka.topic", TOPIC);
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        hb = RunningHealthbridge.start(work, p);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hb != null) {
            hb.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void publishedEventsReachTheTopicWebhooksAndWebSocketClients() throws Exception {
        HttpResponse<String> sub = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\",\"event_types\":[\"health.*\"],\"user_ids\":[\"kafka-user\"]}")));
        assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> hb.runtime().context().getRoute("event-bus-websocket")
                .getConsumer() != null && assignedWebSocketPartitions());
        List<String> frames = new CopyOnWriteArrayList<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + hb.port() + "/ws/events"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).join();
        ws.sendText("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"kafka-user\"]}", true).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> frames.stream().anyMatch(f -> f.contains("healthbridge.ws.subscribed")));
        Thread.sleep(300);
        String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/heartrate.json"));
        IngestSummary s = hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload,
                Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "heartrate",
                        HealthbridgeHeaders.USER_ID, "kafka-user"), IngestSummary.class);
        assertThat(s.published()).isPositive();
        Set<String> stored = new java.util.HashSet<String>();
        hb.getJson("/api/v1/events?user=kafka-user&limit=500").get("events")
                .forEach(e -> stored.add(e.get("event").get("id").asText()));
        assertThat(stored).hasSize(s.published());

        // on the topic, keyed by the user, encrypted with the user's key: no health value in clear
        BusSealer sealer = hb.runtime().context().getRegistry().lookupByNameAndType("busSealer", BusSealer.class);
        Map<String, String> keys = new java.util.HashMap<>();
        Map<String, String> sealed = new java.util.HashMap<>();
        for (ConsumerRecord<String, String> r : readTopic("test-reader", stored.size())) {
            // after the prefix only base64: no JSON text (quotes, braces, field names) can be in clear
            assertThat(r.value()).startsWith(BusSealer.PREFIX)
                    .matches(java.util.regex.Pattern.quote(BusSealer.PREFIX) + "[A-Za-z0-9+/]+={0,2}");
            String id = EventJson.read(sealer.open(r.key(), r.value()).orElseThrow()).get("id").asText();
            keys.put(id, r.key());
            sealed.put(id, r.value());
        }
        assertThat(keys.keySet()).containsAll(stored);
        assertThat(stored.stream().map(keys::get).collect(Collectors.toSet())).containsExactly("kafka-user");

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= stored.size());
        assertThat(Set.copyOf(received)).containsAll(stored);
        await().atMost(Duration.ofSeconds(20)).until(() -> frames.stream().filter(f -> f.contains("\"specversion\"")).count()
                >= stored.size());
        Set<String> streamed = frames.stream().map(EventJson::read).filter(f -> f.has("specversion"))
                .map(f -> f.get("id").asText()).collect(Collectors.toSet());
        assertThat(streamed).isEqualTo(stored);
        ws.abort();

        // erased: the copies the topic retains can no longer be read, by this instance or any other; the notice can
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/kafka-user")).DELETE()).statusCode())
                .isEqualTo(200);
        BusSealer another = new BusSealer(new UserKeyStore(hb.runtime().context().getRegistry().lookupByNameAndType(
                "database", Database.class).dataSource(), java.time.Clock.systemUTC()), SecretBox.load(null, hb.data()),
                new SimpleMeterRegistry());
        await().atMost(Duration.ofSeconds(10)).until(() -> sealer.open("kafka-user", sealed.values().iterator().next())
                .isEmpty());
        sealed.values().forEach(v -> {
            assertThat(sealer.open("kafka-user", v)).isEmpty();
            assertThat(another.open("kafka-user", v)).isEmpty();
        });
        List<ConsumerRecord<String, String>> after = readTopic("test-reader-2", stored.size() + 1);
        assertThat(after.stream().filter(r -> !r.value().startsWith(BusSealer.PREFIX))
                .map(r -> EventJson.read(r.value()).get("type").asText())).containsExactly("healthbridge.user.erased");
    }

    /** At least {@code n} records of the topic from its start (20 s at most). */
    static List<ConsumerRecord<String, String>> readTopic(String group, int n) {
        Properties c = new Properties();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("group.id", group);
        c.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long until = System.currentTimeMillis() + 20_000;
            while (out.size() < n && System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static boolean assignedWebSocketPartitions() {
        var health = hb.bodyOrNull("/health");
        return health != null && health.contains("\"status\":\"UP\"");
    }
}
