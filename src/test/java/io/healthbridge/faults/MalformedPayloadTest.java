package io.healthbridge.faults;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of malformed Oura heart-rate payloads down the publish path every provider payload takes
 * ({@code direct:ingest}, as polls, pushes and backfills call it): truncated, wrong types, huge numbers, odd unicode,
 * 10 MB bodies. Each one is dead-lettered with a reason and publishes nothing; the runtime stays healthy and its heap
 * after the corpus (several times over) stays bounded.
 */
@ExtendWith(Verdict.class)
class MalformedPayloadTest {

    @TempDir
    Path work;

    static final String T = "2026-11-20T06:00:00+00:00";

    static Map<String, String> corpus() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("truncated", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":6");
        c.put("truncated inside a string", "{\"data\":[{\"timestamp\":\"2026-11-2");
        c.put("empty body", "");
        c.put("not JSON", "<html><body>502 Bad Gateway</body></html>");
        c.put("JSON null", "null");
        c.put("a bare number", "42");
        c.put("data is a string", "{\"data\":\"not a list\"}");
        c.put("data holds scalars", "{\"data\":[42,null,\"x\",true]}");
        c.put("timestamp is a number", "{\"data\":[{\"timestamp\":12345,\"bpm\":60,\"source\":\"awake\"}]}");
        c.put("bpm is text", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":\"sixty\",\"source\":\"awake\"}]}");
        c.put("bpm is an object", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":{\"v\":60},\"source\":\"awake\"}]}");
        c.put("bpm missing", "{\"data\":[{\"timestamp\":\"" + T + "\",\"source\":\"awake\"}]}");
        c.put("bpm beyond double", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":1e400,\"source\":\"awake\"}]}");
        c.put("bpm with 40 digits", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":1234567890123456789012345678901234567890}]}");
        c.put("bpm negative", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":-60,\"source\":\"awake\"}]}");
        c.put("bpm implausible", "{\"data\":[{\"timestamp\":\"" + T + "\",\"bpm\":90000,\"source\":\"awake\"}]}");
        c.put("year 99999", "{\"data\":[{\"timestamp\":\"99999-01-01T00:00:00+00:00\",\"bpm\":60}]}");
        c.put("fullwidth digits", "{\"data\":[{\"timestamp\":\"２０２６-11-20T06:00:00+00:00\",\"bpm\":60}]}");
        c.put("zero-width space in the time", "{\"data\":[{\"timestamp\":\"2026-11-20\u200bT06:00:00+00:00\",\"bpm\":60}]}");
        c.put("lone surrogate and RTL override", "{\"data\":[{\"timestamp\":\"\\ud800\u202e" + T + "\",\"bpm\":60}]}");
        c.put("NUL in the time", "{\"data\":[{\"timestamp\":\"" + T + "\\u0000\",\"bpm\":60}]}");
        c.put("10 MB string in a record", "{\"data\":[{\"timestamp\":\"" + "9".repeat(10 * 1024 * 1024) + "\",\"bpm\":60}]}");
        c.put("10 MB truncated", "{\"data\":[" + "{\"timestamp\":\"x\",\"bpm\":1},".repeat(350_000));
        c.put("deep nesting", "{\"data\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        return c;
    }

    @Test
    void everyMalformedPayloadIsDeadLetteredWithAReasonAndTheRuntimeStaysHealthy() throws Exception {
        int rounds = Verdict.size(3, 20);
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            ProducerTemplate template = hb.runtime().context().createProducerTemplate();
            Map<String, String> corpus = corpus();
            List<String> notDeadLettered = new ArrayList<>();
            long deadLettered = 0;
            long heapBefore = heapAfterGc();
            for (int round = 0; round < rounds; round++) {
                int i = 0;
                for (Map.Entry<String, String> e : corpus.entrySet()) {
                    Map<String, Object> headers = Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET,
                            "heartrate", HealthbridgeHeaders.USER_ID, "mal-" + round + "-" + i++);
                    IngestSummary s = template.requestBodyAndHeaders("direct:ingest", e.getValue(), headers, IngestSummary.class);
                    if (s.deadLettered() < 1 || s.published() > 0) {
                        notDeadLettered.add(e.getKey() + " (" + s + ")");
                    }
                    deadLettered += s.deadLettered();
                }
            }
            long heapAfter = heapAfterGc();
            JsonNode letters = hb.getJson("/api/v1/dead-letters?limit=500&provider=oura");
            List<String> withoutReason = new ArrayList<>();
            for (JsonNode d : letters.path("dead_letters")) {
                if (d.path("reason").asText("").isBlank() || d.path("reason_code").asText("").isBlank()) {
                    withoutReason.add(d.toString().substring(0, Math.min(200, d.toString().length())));
                }
            }
            Verdict.figures("%d payloads x %d rounds (%.1f MB each round): %d dead letters, %d not dead-lettered, "
                            + "%d events published, heap after GC %d MB before, %d MB after", corpus.size(), rounds,
                    corpus.values().stream().mapToLong(String::length).sum() / 1e6, deadLettered,
                    notDeadLettered.size(), hb.getJson("/api/v1/events?limit=500").get("events").size(),
                    heapBefore >> 20, heapAfter >> 20);
            assertThat(notDeadLettered).as("payloads not dead-lettered, or published").isEmpty();
            assertThat(letters.path("dead_letters").size()).isPositive();
            assertThat(withoutReason).as("dead letters without a reason").isEmpty();
            assertThat(hb.getJson("/api/v1/events?limit=500").get("events")).isEmpty();
            assertThat(hb.get("/health").body()).contains("\"status\":\"UP\"");
            assertThat(heapAfter - heapBefore).as("heap growth after GC over all rounds").isLessThan(128L << 20);
        }
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
