package io.healthbridge.sink;

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
 * NDJSON files, a PostgreSQL table (one row per measurement, a revision upserts, a tombstone deletes) and a Kafka
 * topic (keyed by user).
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
        try (KafkaBroker kafka = KafkaBroker.start()) {
            kafka.createTopic("warehouse-events", 3);
            Path routes = Files.createDirectories(work.resolve("routes/sinks"));
            for (String f : List.of("ndjson", "postgres", "kafka")) {
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
            try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> hb.getJson("/api/v1/sinks").get("sinks").size() == 3);
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
                assertThat(hb.getJson("/api/v1/sinks").get("sinks")).allMatch(s -> s.get("running").asBoolean()
                        && s.get("failed").asLong() == 0 && s.get("delivered").asLong() == 4);
            }
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
}
