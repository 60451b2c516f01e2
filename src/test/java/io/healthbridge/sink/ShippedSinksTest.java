package io.healthbridge.sink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.KafkaBroker;
import io.healthbridge.support.Postgres;
import io.healthbridge.support.RunningHealthbridge;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink files shipped in {@code routes/sinks/}, enabled by their settings alone, against the real components: the
 * NDJSON files, a PostgreSQL table (one row per measurement, a revision upserts, a tombstone deletes), a Kafka topic
 * (keyed by user) and a FHIR server's base URL (transaction Bundles, a PUT per Observation).
 */
class ShippedSinksTest {

    @TempDir
    static Path work;

    @Test
    void theShippedSinksWriteEveryEventToAFileATableAndATopic() throws Exception {
        String url = Postgres.newDatabase();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE health_events (event_key TEXT PRIMARY KEY, event_id TEXT NOT NULL, type TEXT NOT "
                      + "NULL, subject TEXT NOT NULL, event JSONB NOT NULL)");
        }
        List<JsonNode> bundles = new CopyOnWriteArrayList<>();
        List<String> auth = new CopyOnWriteArrayList<>();
        HttpServer fhir = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        fhir.createContext("/fhir", ex -> {
            auth.add(ex.getRequestHeaders().getFirst("Authorization") + " " + ex.getRequestMethod() + " "
                     + ex.getRequestHeaders().getFirst("Content-Type"));
            bundles.add(EventJson.read(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        fhir.start();
        try (KafkaBroker kafka = KafkaBroker.start()) {
            kafka.createTopic("warehouse-events", 3);
            Path routes = Files.createDirectories(work.resolve("routes/sinks"));
            for (String f : List.of("ndjson", "postgres", "kafka", "fhir")) {
                Files.copy(Path.of("routes/sinks/" + f + ".camel.yaml"), routes.resolve(f + ".camel.yaml"));
            }
            Properties p = new Properties();
            p.setProperty("healthbridge.routes.dir", work.resolve("routes").toString());
            p.setProperty("healthbridge.sinks.ndjson.enabled", "true");
            p.setProperty("healthbridge.sinks.ndjson.dir", work.resolve("ndjson").toString());
            p.setProperty("healthbridge.sinks.postgres.enabled", "true");
            p.setProperty("healthbridge.sinks.postgres.url", url);
            p.setProperty("healthbridge.sinks.postgres.user", "postgres");
            p.setProperty("healthbridge.sinks.kafka.enabled", "true");
            p.setProperty("healthbridge.sinks.kafka.brokers", kafka.bootstrapServers());
            p.setProperty("healthbridge.sinks.kafka.topic", "warehouse-events");
            p.setProperty("healthbridge.sinks.fhir.enabled", "true");
            p.setProperty("healthbridge.sinks.fhir.url", "http://127.0.0.1:" + fhir.getAddress().getPort() + "/fhir");
            p.setProperty("healthbridge.sinks.fhir.token", "fhir-test-token");
            try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> hb.getJson("/api/v1/sinks").get("sinks").size() == 4);
                String sleep = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/sleep.json"));
                hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", sleep, Map.of(
                        HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "sleep",
                        HealthbridgeHeaders.USER_ID, "wh-1"));
                List<String> ids = new ArrayList<>();
                Map<String, String> keys = new HashMap<>();
                for (var e : hb.getJson("/api/v1/events?user=wh-1&provider=oura").get("events")) {
                    ids.add(e.at("/event/id").asText());
                    keys.put(e.at("/event/data/key").asText(), e.at("/event/id").asText());
                }
                assertThat(ids).hasSize(4);

                // the file: one line per event
                await().atMost(Duration.ofSeconds(10)).until(() -> ndjson(work.resolve("ndjson")).size() == 4);
                assertThat(ndjson(work.resolve("ndjson"))).containsExactlyInAnyOrderElementsOf(ids);
                // the table: one row per measurement key, the event whole
                await().atMost(Duration.ofSeconds(10)).until(() -> rows(url).size() == 4);
                assertThat(rows(url)).isEqualTo(keys);
                // the topic: every event, keyed by its user
                List<ConsumerRecord<String, String>> records = topic(kafka, 4);
                assertThat(records).extracting(ConsumerRecord::key).containsOnly("wh-1");
                assertThat(records).extracting(r -> EventJson.read(r.value()).get("id").asText())
                        .containsExactlyInAnyOrderElementsOf(ids);
                // the FHIR server: transaction Bundles whose entries PUT each event's Observation, with the token
                await().atMost(Duration.ofSeconds(10)).until(() -> bundles.stream()
                        .mapToInt(b -> b.path("entry").size()).sum() == 4);
                assertThat(bundles).allMatch(b -> b.get("resourceType").asText().equals("Bundle")
                        && b.get("type").asText().equals("transaction"));
                List<String> puts = new ArrayList<>();
                bundles.forEach(b -> b.get("entry").forEach(e -> {
                    assertThat(e.at("/request/method").asText()).isEqualTo("PUT");
                    assertThat(e.at("/resource/resourceType").asText()).isEqualTo("Observation");
                    puts.add(e.at("/request/url").asText());
                }));
                assertThat(puts).containsExactlyInAnyOrderElementsOf(ids.stream().map(i -> "Observation/" + i).toList());
                assertThat(auth).allMatch(a -> a.equals("Bearer fhir-test-token POST application/fhir+json"));
                assertThat(hb.getJson("/api/v1/sinks").get("sinks")).allMatch(s -> s.get("running").asBoolean()
                        && s.get("failed").asLong() == 0 && s.get("delivered").asLong() == 4);
            }
        } finally {
            fhir.stop(0);
        }
    }

    static List<String> ndjson(Path dir) throws Exception {
        List<String> ids = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.readAllLines(f).forEach(l -> ids.add(EventJson.read(l).get("id").asText()));
                }
            }
        }
        return ids;
    }

    static Map<String, String> rows(String url) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_key, event_id, event->>'id' FROM health_events")) {
            while (rs.next()) {
                assertThat(rs.getString(3)).isEqualTo(rs.getString(2));
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    static List<ConsumerRecord<String, String>> topic(KafkaBroker kafka, int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "shipped-sinks-test");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("warehouse-events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void theKafkaSinkTurnedOffNeverConnectsToItsBrokers(@TempDir Path dir) throws Exception {
        try (ServerSocket broker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread accept = new Thread(() -> {
                while (!broker.isClosed()) {
                    try (Socket s = broker.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            Path routes = Files.createDirectories(dir.resolve("routes/sinks"));
            Files.copy(Path.of("routes/sinks/kafka.camel.yaml"), routes.resolve("kafka.camel.yaml"));
            Properties p = new Properties();
            p.setProperty("healthbridge.sinks.kafka.brokers", "127.0.0.1:" + broker.getLocalPort());
            try (RunningHealthbridge hb = RunningHealthbridge.start(dir, p)) {
                assertThat(hb.routeFileStatus("sinks/kafka.camel.yaml").get("result").asText()).isEqualTo("ok");
                Thread.sleep(3000); // an idempotent Kafka producer asks its brokers for an id as soon as it starts
                assertThat(connections.get()).as("connections to the brokers of a sink that is off").isZero();
            }
        }
    }
}
