package io.healthbridge.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * The embedded store's file under retention: the same load three times (events published, each delivered to a
 * webhook), every kind of row kept {@link #KEPT} after it is finished with, the file's size measured after each round
 * once retention has passed over it. Without retention the file grows by a round's worth each time. With it the file
 * settles: H2 reuses a chunk's space only once every page in it is dead, and round 1's chunks still hold live pages
 * (indexes, small tables) while round 2 writes, so the file grows to about two rounds' worth, then stops. The figure
 * is what round 3 adds, as a share of what round 1 wrote.
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
            for (int round = 0; round < ROUNDS; round++) {
                try (Load load = new Load(rt.port, events)) {
                    load.burst(0, events, 32, seq -> "retention-" + (seq % 500));
                }
                Thread.sleep(1000); // the fan-out has read the last events
                drained(rt);
                // past the retention of the round's rows, and a retention round after it (the same wait without)
                Thread.sleep(20_000 + 2L * INTERVAL_MS + 2000);
                long stored = Bench.api(rt, "GET", "/api/v1/status", null).at("/store/events").asLong();
                sizes.add(fileSize(rt.work.resolve("data")));
                Bench.log("retention " + kept + ", round " + (round + 1) + ": store file " + sizes.get(round) / 1024
                          / 1024 + " MB, events stored " + stored);
            }
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
