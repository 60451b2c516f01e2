package io.healthbridge.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.simulator.SyntheticData;
import io.healthbridge.support.PackagedRuntime;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged runtime, polling its simulator for a demo user, is killed with SIGKILL as soon as the first heart-rate
 * events of its first sync are stored (the sync is then mid-way through its pages); restarted on the same data folder,
 * it resumes, and the published Oura heart-rate samples equal the simulator's ground truth for the whole synced span:
 * every sample, with its value, none missing, none twice.
 */
@ExtendWith(Verdict.class)
class KillDuringPollIT {

    @TempDir
    Path work;

    static final String USER = "demo-alice";

    @Test
    void killedMidPollItEndsWithExactlyTheGroundTruth() throws Exception {
        int kills = Verdict.size(1, 3);
        PackagedRuntime.prepare(work);
        Map<String, String> env = Map.of("HEALTHBRIDGE_DEMO_USERS", USER, "HEALTHBRIDGE_POLL_PERIOD_MS", "2000",
                "HEALTHBRIDGE_SIMULATOR_PORT", String.valueOf(RunningHealthbridge.freePort()));
        long t0 = System.nanoTime();
        int before = 0;
        for (int k = 0; k < kills; k++) {
            try (PackagedRuntime rt = PackagedRuntime.start(work, env)) {
                int already = count(rt);
                // each kill lands while samples are being added: at the first new event after this start
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> count(rt) > already);
                before = count(rt);
                rt.kill();
            }
        }
        try (PackagedRuntime rt = PackagedRuntime.start(work, env)) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                TreeMap<Long, Integer> s = samples(rt);
                return !s.isEmpty() && s.lastKey() > Instant.now().minus(Duration.ofMinutes(6)).getEpochSecond();
            });
            TreeMap<Long, Integer> published = samples(rt);
            int twice = samplesCounted(rt) - published.size();
            TreeMap<Long, Integer> truth = new TreeMap<>();
            for (long[] s : SyntheticData.heartRate(USER, Instant.ofEpochSecond(published.firstKey()),
                    Instant.ofEpochSecond(published.lastKey() + 1))) {
                truth.put(s[0], (int) s[1]);
            }
            long missing = truth.keySet().stream().filter(t -> !published.containsKey(t)).count();
            long wrong = published.entrySet().stream().filter(e -> !e.getValue().equals(truth.get(e.getKey()))).count();
            Verdict.figures("%d SIGKILL(s) mid-sync, %d events seen at the last kill; after restart %d samples over "
                            + "%.1f days: %d missing, %d differing from the simulator, %d twice; %.0f s in all", kills,
                    before, published.size(), (published.lastKey() - published.firstKey()) / 86400.0, missing, wrong,
                    twice, (System.nanoTime() - t0) / 1e9);
            assertThat(missing).as("ground-truth samples missing").isZero();
            assertThat(wrong).as("samples differing from the ground truth").isZero();
            assertThat(published).isEqualTo(truth);
            assertThat(twice).as("samples published twice").isZero();
        }
    }

    static int count(PackagedRuntime rt) {
        try {
            return rt.events("provider=oura&type=health.heart_rate&user=" + USER).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Sample time (epoch second) to bpm, from every published Oura heart-rate event of the user. */
    static TreeMap<Long, Integer> samples(PackagedRuntime rt) {
        TreeMap<Long, Integer> out = new TreeMap<>();
        for (JsonNode e : heartRateDataset(rt)) {
            for (JsonNode s : e.get("data").get("samples")) {
                out.put(OffsetDateTime.parse(s.get("time").asText()).toEpochSecond(), s.get("value").asInt());
            }
        }
        return out;
    }

    /** Events from Oura's heartrate collection (its sleep sessions carry a sleep heart-rate series too). */
    static java.util.List<JsonNode> heartRateDataset(PackagedRuntime rt) {
        return rt.events("provider=oura&type=health.heart_rate&user=" + USER).stream()
                .filter(e -> !"sleep".equals(e.get("data").path("context").asText())).toList();
    }

    static int samplesCounted(PackagedRuntime rt) {
        int n = 0;
        for (JsonNode e : heartRateDataset(rt)) {
            n += e.get("data").get("samples").size();
        }
        return n;
    }

}
