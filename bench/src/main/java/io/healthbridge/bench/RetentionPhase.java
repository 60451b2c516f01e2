package io.healthbridge.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * The embedded store's file under retention: the same load {@link #ROUNDS} times (events published, each delivered to
 * a webhook), every kind of row kept {@link #KEPT} after it is finished with, and the file's largest size in each
 * round (sampled every 250 ms: H2 reuses, compacts and truncates its file as it goes, so one reading after a round
 * says little). The baseline is the same rounds with everything kept, in the same run. The figure is how much the
 * last round raises the file's high-water mark with retention against how much it does without.
 */
final class RetentionPhase {

    static final String KEPT = "20s";
    static final int INTERVAL_MS = 2000;
    static final int ROUNDS = 4;

    private RetentionPhase() {
    }

    static Map<String, Object> run(Path repo, Path jar, List<String> jvmArgs, int events) throws Exception {
        List<Long> kept = rounds(repo, jar, jvmArgs, events, KEPT);
        List<Long> forever = rounds(repo, jar, jvmArgs, events, "forever");
        long grewKept = kept.get(ROUNDS - 1) - kept.get(ROUNDS - 2);
        long grewForever = forever.get(ROUNDS - 1) - forever.get(ROUNDS - 2);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events_per_round", events);
        out.put("kept", KEPT);
        out.put("file_mb_after_round", mb(kept));
        out.put("baseline_kept_forever_mb_after_round", mb(forever));
        out.put("last_round_growth_ratio", Math.round((double) Math.max(0, grewKept) / Math.max(1, grewForever) * 100)
                / 100.0);
        out.put("target_ratio", 0.25);
        return out;
    }

    private static List<Double> mb(List<Long> sizes) {
        return sizes.stream().map(s -> Math.round(s / 1048576.0 * 10) / 10.0).toList();
    }

    /** The store file's size after each of {@link #ROUNDS} rounds, every retention {@code kept}. */
    private static List<Long> rounds(Path repo, Path jar, List<String> jvmArgs, int events, String kept)
            throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Map<String, String> env = new LinkedHashMap<>(Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false",
                "HEALTHBRIDGE_DEMO_USERS", "", "HEALTHBRIDGE_WEBHOOKS_ALLOWED_TARGETS", "127.0.0.1",
                "HEALTHBRIDGE_RETENTION_INTERVAL_MS", String.valueOf(INTERVAL_MS)));
        for (String kind : List.of("EVENTS", "DELIVERED_DELIVERIES", "FAILED_DELIVERIES", "NOTIFICATIONS")) {
            env.put("HEALTHBRIDGE_RETENTION_" + kind, kept);
        }
        List<Long> sizes = new ArrayList<>();
        try (RuntimeProcess rt = RuntimeProcess.start(jar, RuntimeProcess.prepare(repo), env, jvmArgs)) {
            Bench.reload(rt, "bench/ingest.camel.yaml", Bench.INGEST_ROUTE, "/bench/ingest", "POST");
            Bench.api(rt, "POST", "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook\",\"event_types\":[\"health.*\"]}");
            // the file's size moves within a round (H2 reuses, compacts and truncates as it goes): its highest point
            // in each round is what a disk must hold
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peak.accumulateAndGet(fileSize(rt.work.resolve("data")), Math::max);
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the file is being replaced: the next sample reads it
                    }
                }
            }, "bench-file-size");
            sampler.setDaemon(true);
            sampler.start();
            for (int round = 0; round < ROUNDS; round++) {
                peak.set(0);
                try (Load load = new Load(rt.port, events)) {
                    load.burst(0, events, 32, seq -> "retention-" + (seq % 500));
                }
                Thread.sleep(1000); // the fan-out has read the last events
                drained(rt);
                // past the retention of the round's rows, and a retention round after it (the same wait without)
                Thread.sleep(20_000 + 2L * INTERVAL_MS + 2000);
                long stored = Bench.api(rt, "GET", "/api/v1/status", null).at("/store/events").asLong();
                sizes.add(peak.get());
                Bench.log("retention " + kept + ", round " + (round + 1) + ": store file at most " + sizes.get(round)
                          / 1024 / 1024 + " MB, events stored " + stored);
            }
            sampler.interrupt();
        } finally {
            receiver.stop(0);
        }
        return sizes;
    }

    /** Waits (up to 5 minutes) until no delivery is left to send. */
    private static void drained(RuntimeProcess rt) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode status = Bench.api(rt, "GET", "/api/v1/status", null);
            if (status.at("/deliveries/backlog").asLong(-1) == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("deliveries still pending after 5 minutes");
    }

    private static long fileSize(Path data) throws Exception {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".mv.db")).mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
