package io.healthbridge.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import io.healthbridge.support.Postgres;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The runtime on a real PostgreSQL store: the same migrations, and the demo data flowing end to end. */
class PostgresStoreTest {

    @TempDir
    Path work;

    @Test
    void theRuntimeRunsOnPostgres() throws Exception {
        Properties p = SimulatedProviders.settings("demo-alice");
        p.setProperty("healthbridge.store.url", Postgres.newDatabase());
        p.setProperty("healthbridge.store.username", "postgres");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> hb.getJson("/api/v1/events?limit=5").get("events").size() > 0);
            for (String path : new String[] {"/api/v1/webhooks", "/api/v1/dead-letters", "/api/v1/status",
                    "/api/v1/connections", "/api/v1/audit", "/api/v1/keys"}) {
                var r = hb.get(path);
                assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            }
        }
    }
}
