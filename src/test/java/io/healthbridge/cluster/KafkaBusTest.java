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
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.support.KafkaBroker;
import io.healthbridge.support.RunningHealthbridge;
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

        // on the topic, keyed by the user
        Properties c = new Properties();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("group.id", "test-reader");
        c.put("auto.offset.reset", "earliest");
        Map<String, String> keys = new java.util.HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long until = System.currentTimeMillis() + 20_000;
            while (keys.size() < stored.size() && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.put(EventJson.read(r.value()).get("id").asText(), r.key());
                }
            }
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
    }

    static boolean assignedWebSocketPartitions() {
        var health = hb.bodyOrNull("/health");
        return health != null && health.contains("\"status\":\"UP\"");
    }
}
