package io.healthbridge.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's last hour survives a restart: the events stored before it are counted again, once. */
class ActivityRestartTest {

    @TempDir
    Path work;

    @Test
    void theHoursEventsAreInTheChartsTheMomentTheRuntimeIsBack() throws Exception {
        int published;
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/heartrate.json"));
            published = hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest",
                    payload, Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "heartrate",
                            HealthbridgeHeaders.USER_ID, "u1"), IngestSummary.class).published();
            assertThat(published).isPositive();
            await().atMost(Duration.ofSeconds(10)).until(() -> ouraHeartRate(hb) == published);
        }
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            // nothing is published after the restart: what the charts show comes from the store
            await().atMost(Duration.ofSeconds(10)).until(() -> ouraHeartRate(hb) > 0);
            Thread.sleep(1000); // the seed runs once: the count stays, never doubled
            assertThat(ouraHeartRate(hb)).isEqualTo(published);
        }
    }

    private static long ouraHeartRate(RunningHealthbridge hb) throws Exception {
        long n = 0;
        for (JsonNode minute : hb.getJson("/api/v1/activity").get("minutes")) {
            n += minute.path("events").path("oura").path("health.heart_rate").asLong();
        }
        return n;
    }
}
