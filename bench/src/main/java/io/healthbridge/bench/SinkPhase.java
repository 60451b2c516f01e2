package io.healthbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A route-file sink beside the publish path, in one runtime as shipped: the shipped NDJSON file sink switched on, then
 * {@code events} heart-rate events published as fast as the runtime takes them (the same load as figures 2–3). The
 * baseline is the publish path: events stored per second from the first request to the last answer. The figure is
 * the sink's: events written to its file per second, from the first request until the file holds every one. A ratio
 * of 1 is a sink that keeps pace with publishing.
 */
final class SinkPhase {

    private SinkPhase() {
    }

    static Map<String, Object> run(Path repo, Path jar, List<String> jvmArgs, int events) throws Exception {
        Path work = RuntimeProcess.prepare(repo);
        Path dir = work.resolve("sink-out");
        Map<String, String> env = Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false", "HEALTHBRIDGE_DEMO_USERS", "",
                "HEALTHBRIDGE_SINKS_NDJSON_ENABLED", "true", "HEALTHBRIDGE_SINKS_NDJSON_DIR", dir.toString());
        try (RuntimeProcess rt = RuntimeProcess.start(jar, work, env, jvmArgs)) {
            Bench.reload(rt, "bench/ingest.camel.yaml", Bench.INGEST_ROUTE, "/bench/ingest", "POST");
            // the reload check published one event: the sink's file holds it before the measured load
            long before = waitForLines(dir, 1, Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            int failed;
            try (Load load = new Load(rt.port, events)) {
                load.burst(0, events, 32, seq -> "sink-" + (seq % 200));
                failed = load.failed.get();
            }
            long published = System.nanoTime() - t0;
            waitForLines(dir, before + events, Duration.ofMinutes(10));
            long written = System.nanoTime() - t0;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("events", events);
            out.put("failed_requests", failed);
            out.put("baseline_published_per_s", Math.round(events / (published / 1e9)));
            out.put("sink_written_per_s", Math.round(events / (written / 1e9)));
            out.put("ratio", Math.round((double) published / written * 100) / 100.0);
            out.put("caught_up_after_publish_ms", (written - published) / 1_000_000);
            out.put("target_ratio", 0.8);
            return out;
        }
    }

    /** Waits until the sink's files hold {@code lines} lines; returns how many they hold. */
    private static long waitForLines(Path dir, long lines, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long n = count(dir);
            if (n >= lines) {
                return n;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sink's file holds " + n + " lines, not " + lines + ", after "
                                                + timeout);
            }
            Thread.sleep(20);
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                for (byte b : bytes) {
                    if (b == '\n') {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
