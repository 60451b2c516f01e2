package io.healthbridge.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Vertx;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark: {@code bench/run} from the repository root. Every figure in one run on one machine, each beside its
 * baseline and target; writes {@code bench/results/<date>.json} and {@code .md} and the table in README.md.
 * {@code --quick} runs every phase shorter, to check the benchmark itself works.
 */
public final class Bench {

    static final String ADMIN_KEY = "hbk_bench-admin-key-0123456789";
    /**
     * The runtime's JVM options: none, so {@code java -jar} runs it as users do, in a child JVM with the jar's own
     * heap bound and native memory settings ({@code HeapBound}).
     */
    static final String DEFAULT_RUNTIME_ARGS = "";
    /** The JMH fork runs the runtime in-process, with no launcher: it gets the bound {@code java -jar} sets. */
    static final String JAR_HEAP_BOUND = "-Xmx224m";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static final String INGEST_ROUTE = """
            # The benchmark's way in: provider payloads POSTed here go down the same publish path as polled ones.
            # Public (no API key per request), as a provider's push endpoint is.
            - route:
                id: bench-ingest
                routeConfigurationId: healthbridge-public
                from:
                  uri: platform-http:/bench/ingest
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - setHeader:
                        name: Healthbridge.provider
                        constant: oura
                    - setHeader:
                        name: Healthbridge.dataset
                        constant: heartrate
                    - setHeader:
                        name: Healthbridge.userId
                        header: user
                    - to: direct:ingest
                    - setBody:
                        simple: '{"published": ${body.published}, "duplicates": ${body.duplicates}, "dead_lettered": ${body.deadLettered}}'
            """;

    private Bench() {
    }

    /** The runtime's JVM options: {@code --runtime-args="..."}, else {@code -Dbench.runtime.args}, else the default. */
    static String runtimeArgs(String[] args) {
        String extra = System.getProperty("bench.runtime.args", DEFAULT_RUNTIME_ARGS).trim();
        for (String a : args) {
            if (a.startsWith("--runtime-args=")) {
                extra = a.substring("--runtime-args=".length()).trim();
            }
        }
        return extra;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        // --phase=webhooks|websocket|delivery (both, in order): only those figures, printed, nothing written (to profile)
        String phase = Arrays.stream(args).filter(a -> a.startsWith("--phase=")).map(a -> a.substring(8)).findFirst()
                .orElse("");
        if (phase.equals("retention")) {
            Path repo = Path.of("").toAbsolutePath();
            String only = runtimeArgs(args);
            log("retention: " + RetentionPhase.run(repo, repo.resolve("target/healthbridge.jar"),
                    only.isEmpty() ? List.of() : List.of(only.split("\\s+")), quick ? 3000 : 20_000));
            return;
        }
        if (phase.equals("import")) {
            Path repo = Path.of("").toAbsolutePath();
            String only = runtimeArgs(args);
            log("import: " + ImportPhase.run(repo, repo.resolve("target/healthbridge.jar"),
                    only.isEmpty() ? List.of() : List.of(only.split("\\s+")), quick ? 50_000 : 1_000_000));
            return;
        }
        if (phase.equals("reconcile")) {
            Path repo = Path.of("").toAbsolutePath();
            String only = runtimeArgs(args);
            log("reconcile: " + ReconcilePhase.run(repo, repo.resolve("target/healthbridge.jar"),
                    only.isEmpty() ? List.of() : List.of(only.split("\\s+")), quick ? 20 : 200));
            return;
        }
        if (phase.equals("sink")) {
            Path repo = Path.of("").toAbsolutePath();
            String only = runtimeArgs(args);
            log("sink: " + SinkPhase.run(repo, repo.resolve("target/healthbridge.jar"),
                    only.isEmpty() ? List.of() : List.of(only.split("\\s+")), quick ? 5000 : 50_000));
            return;
        }
        if (Arrays.asList(args).contains("--normalization-only")) {
            String only = runtimeArgs(args);
            System.out.println(normalization(quick, only.isEmpty() ? List.of() : List.of(only.split("\\s+"))));
            return;
        }
        Path repo = Path.of("").toAbsolutePath();
        Path jar = repo.resolve("target/healthbridge.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": run bench/run from the repository root");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("date", LocalDate.now().toString());
        result.put("quick", quick);
        result.put("machine", Machine.describe());
        // the runtime's JVM options: --runtime-args="..." (or -Dbench.runtime.args) to try others, "" for none
        String extra = runtimeArgs(args);
        List<String> jvmArgs = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
        result.put("runtime_jvm_args", jvmArgs.isEmpty() ? "none (java -jar defaults)" : String.join(" ", jvmArgs));

        // 4a. startup: process start to /health UP, the shipped configuration and routes, fresh data folder each time
        // The first start of a new jar writes its class archive when it stops (HeapBound, ClassArchive); the figure is
        // the restarts', as in production; the first start is reported beside it.
        List<Long> startups = new ArrayList<>();
        long firstStart = -1;
        for (int i = 0; i < (!phase.isEmpty() ? 0 : quick ? 2 : 4); i++) {
            try (RuntimeProcess rt = RuntimeProcess.start(jar, RuntimeProcess.prepare(repo), Map.of(), jvmArgs)) {
                if (i == 0) {
                    firstStart = rt.startupMillis;
                } else {
                    startups.add(rt.startupMillis);
                }
                log("startup " + (i + 1) + ": " + rt.startupMillis + " ms" + (i == 0 ? " (first start of this jar)" : ""));
            }
        }
        if (!startups.isEmpty()) {
            // the baseline: a bare camel-main with one platform-http route, same JVM options, same jar
            List<Long> bare = new ArrayList<>();
            for (int i = 0; i < startups.size(); i++) {
                try (RuntimeProcess b = RuntimeProcess.startBare(jar, jvmArgs)) {
                    bare.add(b.startupMillis);
                }
            }
            log("bare camel-main startup: " + bare + " ms");
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("first_start", firstStart);
            s.put("runs", startups);
            s.put("median", median(startups));
            s.put("bare_runs", bare);
            s.put("bare_median", median(bare));
            s.put("ratio", Math.round((double) median(startups) / median(bare) * 100) / 100.0);
            s.put("target_ratio", 2.5);
            result.put("startup_ms", s);
        }

        Vertx vertx = Vertx.vertx();
        Map<String, String> env = Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false", "HEALTHBRIDGE_DEMO_USERS", "",
                "HEALTHBRIDGE_WEBHOOKS_ALLOWED_TARGETS", "127.0.0.1");
        try (RuntimeProcess rt = RuntimeProcess.start(jar, RuntimeProcess.prepare(repo), env, jvmArgs)) {
            rt.startSampling();
            // 4b. reload: a route file written (atomically) until its route answers
            List<Long> reloads = new ArrayList<>();
            reloads.add(reload(rt, "bench/ingest.camel.yaml", INGEST_ROUTE, "/bench/ingest", "POST"));
            for (int i = 0; i < (quick ? 2 : 5); i++) {
                String path = "/bench/reload/" + i;
                reloads.add(reload(rt, "bench/reload-" + i + ".camel.yaml", """
                        - route:
                            id: bench-reload-%d
                            routeConfigurationId: healthbridge-public
                            from:
                              uri: platform-http:%s
                              steps:
                                - setBody:
                                    constant: reloaded
                        """.formatted(i, path), path, "GET"));
            }
            log("reload: " + reloads + " ms");
            result.put("reload_ms", Map.of("runs", reloads, "median", median(reloads),
                    "max", reloads.stream().mapToLong(Long::longValue).max().orElse(0), "target", 1000));

            if (phase.equals("websocket")) {
                // warm up first, as the full run's webhook phase does: cold, neither JVM keeps up with 1,000 events/s
                try (Load warm = new Load(rt.port, 10_000)) {
                    warm.burst(0, 10_000, 16, seq -> "ws-warm" + (seq % 100));
                }
                log("ingest capacity: " + ingestCapacity(rt, quick ? 3000 : 20_000, 1000));
                Thread.sleep(5000); // the hand-off of the burst drains before clients connect
                WebSocketPhase ws = new WebSocketPhase(vertx);
                warmUpWebSocket(ws, rt);
                log("websocket, 1000 filtered clients: " + ws.run(rt, 1000, true, 1000, 1000, quick ? 3 : 15));
                log("websocket, 100 clients on everything: " + ws.run(rt, 100, false, 1000, 1000, quick ? 3 : 15));
                return;
            }
            // 2. webhooks
            WebhookPhase webhooks = new WebhookPhase(vertx);
            Map<String, Object> wh = webhooks.run(rt, quick ? 500 : 3000, quick ? 200 : 1000, 100);
            webhooks.close();
            log("webhooks: " + wh);
            result.put("webhooks", wh);
            if (phase.equals("webhooks")) {
                return;
            }
            if (phase.equals("delivery")) {
                // webhooks, then the WebSocket figures on the same runtime, as the full run has them
                WebSocketPhase ws = new WebSocketPhase(vertx);
                warmUpWebSocket(ws, rt);
                log("websocket, 1000 filtered clients: " + ws.run(rt, 1000, true, 1000, 1000, quick ? 3 : 15));
                log("websocket, 100 clients on everything: " + ws.run(rt, 100, false, 1000, 1000, quick ? 3 : 15));
                log("memory: peak RSS " + rt.rss()[1] / 1024 / 1024 + " MB, peak heap " + rt.peakHeap() / 1024 / 1024 + " MB");
                return;
            }

            // 3a. ingest capacity, in the same run as the WebSocket figure that offers 1,000 events/s
            Map<String, Object> capacity = ingestCapacity(rt, quick ? 3000 : 20_000, 1000);
            log("ingest capacity: " + capacity);
            result.put("ingest_capacity", capacity);

            // 3. WebSocket, after a warm-up of its own
            WebSocketPhase ws = new WebSocketPhase(vertx);
            warmUpWebSocket(ws, rt);
            Map<String, Object> filtered = ws.run(rt, 1000, true, 1000, 1000, quick ? 3 : 15);
            log("websocket, 1000 filtered clients: " + filtered);
            Map<String, Object> all = ws.run(rt, 100, false, 1000, 1000, quick ? 3 : 15);
            log("websocket, 100 clients on everything: " + all);
            result.put("websocket", Map.of("per_user", filtered, "everything", all));

            // 5. memory over 1 (the loopback ingest path), 2 and 3
            long[] rss = rt.rss();
            Map<String, Object> mem = new LinkedHashMap<>();
            mem.put("peak_rss_mb", rss[1] / 1024 / 1024);
            mem.put("peak_heap_used_mb", rt.peakHeap() / 1024 / 1024);
            mem.put("target_rss_mb", 512);
            result.put("memory", mem);
            log("memory: " + mem);
        } finally {
            vertx.close();
        }

        // 2, scaled out: one and two instances on PostgreSQL and Kafka, the single runtime above stopped
        Vertx clusterVertx = Vertx.vertx();
        try {
            result.put("webhooks_cluster", ClusterPhase.run(repo, jar, jvmArgs, clusterVertx, quick ? 500 : 2000));
        } finally {
            clusterVertx.close();
        }

        // 6. the store file under retention: the same load three times, on a runtime of its own
        result.put("retention", RetentionPhase.run(repo, jar, jvmArgs, quick ? 3000 : 20_000));
        log("retention: " + result.get("retention"));

        // 7. an Apple Health export of a million records imported, against StAX alone, on a runtime of its own
        result.put("import", ImportPhase.run(repo, jar, jvmArgs, quick ? 50_000 : 1_000_000));
        log("import: " + result.get("import"));

        // 8. reconciliation beside the publish path: people's days of Garmin epochs, on a runtime of its own
        result.put("reconcile", ReconcilePhase.run(repo, jar, jvmArgs, quick ? 20 : 200));
        log("reconcile: " + result.get("reconcile"));

        // 9. a route-file sink (the shipped NDJSON file) beside the publish path, on a runtime of its own
        result.put("sink", SinkPhase.run(repo, jar, jvmArgs, quick ? 5000 : 50_000));
        log("sink: " + result.get("sink"));

        // 1. normalization: JMH, in its own JVM, with the runtime process above already stopped
        result.put("normalization", normalization(quick, jvmArgs));
        log("normalization: " + result.get("normalization"));

        Report.write(repo, result);
    }

    /**
     * An unmeasured WebSocket scenario first (5 s, 100 clients on everything, 200 events/s), as figures 1 and 2 warm up:
     * without it the "everything" scenario's p99 was set by its first quarter second, the hub's fan-out to 100 clients
     * per event running cold (stalls of 50 to 115 ms in the first 240 events, none over 40 ms after them). At the full
     * 1,000 events/s the warm-up itself ran that cold start, and the frames it queued raised the runtime's peak RSS by
     * about 60 MB; a fifth of the rate warms the same code.
     */
    private static void warmUpWebSocket(WebSocketPhase ws, RuntimeProcess rt) throws Exception {
        log("websocket warm-up, 100 clients on everything (not a figure): " + ws.run(rt, 100, false, 1000, 200, 5));
    }

    /**
     * Figure 1 in a JMH fork that runs the runtime in-process, with the runtime's JVM options (so its memory is
     * measured as the runtime process's is: the fork's peak RSS and sampled heap, harness included).
     */
    /**
     * How many events a second the runtime takes in: single-event provider payloads over HTTP through the bench's
     * ingest route ({@code direct:ingest}), 32 requests in flight, each answered once its event is durable.
     */
    static Map<String, Object> ingestCapacity(RuntimeProcess rt, int events, int offered) throws Exception {
        long start;
        long elapsed;
        int failed;
        try (Load load = new Load(rt.port, events)) {
            start = System.nanoTime();
            load.burst(0, events, 32, seq -> "capacity-" + (seq % 500));
            elapsed = System.nanoTime() - start;
            failed = load.failed.get();
        }
        double perSecond = Math.round(events / (elapsed / 1e9) * 10) / 10.0;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("in_flight", 32);
        out.put("failed", failed);
        out.put("events_per_s", perSecond);
        out.put("offered_events_per_s", offered);
        out.put("ratio_to_offered", Math.round(perSecond / offered * 100) / 100.0);
        out.put("target_ratio", 10);
        return out;
    }

    static Map<String, Object> normalization(boolean quick, List<String> runtimeArgs) throws Exception {
        Path stats = Files.createTempFile("hb-bench-normalization", ".txt");
        String only = System.getProperty("bench.only", "");
        List<String> jvm = new ArrayList<>(List.of("-Dbench.normalization.stats=" + stats,
                "-Dlog4j2.configurationFile=log4j2-bench.properties"));
        jvm.addAll(runtimeArgs.isEmpty() ? List.of(JAR_HEAP_BOUND) : runtimeArgs);
        if (System.getProperty("bench.jfr") != null) {
            jvm.add("-XX:StartFlightRecording=filename=" + System.getProperty("bench.jfr") + ",settings=profile");
        }
        Options opts = new OptionsBuilder().include(NormalizationBenchmark.class.getName() + "\\." + only)
                .forks(1).threads(1)
                .warmupIterations(quick ? 1 : 8).warmupTime(TimeValue.seconds(2))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 2 : 3))
                .jvmArgsAppend(jvm.toArray(String[]::new))
                .build();
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, Double> errors = new LinkedHashMap<>();
        for (RunResult r : new Runner(opts).run()) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            scores.put(name, r.getPrimaryResult().getScore());
            errors.put(name, r.getPrimaryResult().getScoreError());
        }
        String[] s = Files.readString(stats).trim().split(" ");
        Files.deleteIfExists(stats);
        double eventsPerPayload = Double.parseDouble(s[1]);
        double canonical = scores.get("canonical") * eventsPerPayload;
        double baseline = scores.get("jacksonBaseline") * eventsPerPayload;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", Integer.parseInt(s[0]));
        out.put("events_per_payload", round(eventsPerPayload));
        out.put("events_stored", Long.parseLong(s[2]));
        out.put("events_per_s", round(canonical));
        out.put("events_per_s_error", round(errors.get("canonical") * eventsPerPayload));
        out.put("baseline_events_per_s", round(baseline));
        out.put("baseline_events_per_s_error", round(errors.get("jacksonBaseline") * eventsPerPayload));
        out.put("ratio", Math.round(canonical / baseline * 1000) / 1000.0);
        out.put("target_ratio", 0.25);
        if (s.length >= 5) {
            out.put("peak_rss_mb", Long.parseLong(s[3]) / 1024);
            out.put("peak_heap_used_mb", Long.parseLong(s[4]) / 1024 / 1024);
        }
        if (s.length >= 6 && scores.containsKey("canonicalDay")) {
            // the same path with poll-sized payloads (a person's day of readings), where a payload's commit is shared
            double perDay = Double.parseDouble(s[5]);
            Map<String, Object> day = new LinkedHashMap<>();
            day.put("events_per_payload", round(perDay));
            day.put("events_per_s", round(scores.get("canonicalDay") * perDay));
            day.put("events_per_s_error", round(errors.get("canonicalDay") * perDay));
            day.put("baseline_events_per_s", round(scores.get("jacksonBaselineDay") * perDay));
            day.put("ratio", Math.round(scores.get("canonicalDay") / scores.get("jacksonBaselineDay") * 1000) / 1000.0);
            out.put("day_payloads", day);
        }
        return out;
    }

    /** Milliseconds from the route file landing in routes/ until its path answers 200. */
    static long reload(RuntimeProcess rt, String relative, String content, String path, String method) throws Exception {
        Path target = rt.work.resolve("routes").resolve(relative);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        Files.writeString(tmp, content);
        long t0 = System.nanoTime();
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpRequest.Builder b = HttpRequest.newBuilder(rt.uri(path)).timeout(Duration.ofSeconds(5));
            b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString(Load.payload(1_700_000_000L, 0)))
                    .uri(rt.uri(path + "?user=reload-check")) : b.GET();
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("route file " + relative + " was not serving " + path + " after 30 s");
    }

    static JsonNode api(RuntimeProcess rt, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(rt.uri(path)).header("X-API-Key", ADMIN_KEY)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** p50, p99 and max of nanosecond samples, in milliseconds. */
    static Map<String, Object> percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", s.length);
        out.put("p50", s.length == 0 ? null : round(s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.50) - 1)] / 1e6));
        out.put("p99", s.length == 0 ? null : round(s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6));
        out.put("max", s.length == 0 ? null : round(s[s.length - 1] / 1e6));
        return out;
    }

    static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Deletes a working folder of the benchmark (a store grows to gigabytes over a run; nothing is left in /tmp). */
    static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log("could not delete " + dir + ": " + e.getMessage());
        }
    }

    static void log(String line) {
        System.out.println("[bench] " + line);
    }
}
