package io.healthbridge.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;

import static org.awaitility.Awaitility.await;

/**
 * The packaged jar as its own process, in a working folder holding the shipped {@code application.properties} and
 * {@code routes/}, for the tests that kill it: {@link #kill()} is SIGKILL, no shutdown hook runs.
 */
public final class PackagedRuntime implements AutoCloseable {

    public static final String ADMIN = "hbk_packaged-admin-key-0123456789";

    private final Process process;
    public final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PackagedRuntime(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Copies the shipped configuration and route files into {@code work}. */
    public static void prepare(Path work) throws IOException {
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.createDirectories(work.resolve(p.toString()).getParent());
                Files.copy(p, work.resolve(p.toString()));
            }
        }
    }

    /** Starts the jar in {@code work} with these environment overrides and waits for /health UP. */
    public static PackagedRuntime start(Path work, Map<String, String> env) throws IOException {
        int port = RunningHealthbridge.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("healthbridge.jar", "target/healthbridge.jar")).toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("out.log").toFile()));
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        pb.environment().put("HEALTHBRIDGE_PUBLIC_URL", "http://127.0.0.1:" + port);
        pb.environment().put("HEALTHBRIDGE_ADMIN_API_KEY", ADMIN);
        // never the user's cache folder; the class archive has its own test (PackagedJarIT)
        pb.environment().put("HEALTHBRIDGE_CLASS_ARCHIVE", "none");
        // a load from one address would measure the request rate limits, not the runtime: off unless env sets them
        for (String surface : new String[] { "API_PER_CREDENTIAL", "API_PER_ADDRESS", "PUSH_PER_PROVIDER",
                "PUSH_PER_ADDRESS", "CONNECT_PER_ADDRESS", "OTHER_PER_ADDRESS" }) {
            pb.environment().put("HEALTHBRIDGE_RATE_LIMIT_" + surface, "none");
        }
        pb.environment().putAll(env);
        PackagedRuntime rt = new PackagedRuntime(pb.start(), port);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> rt.body("/health").contains("\"status\":\"UP\""));
        return rt;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String body(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).header("X-API-Key", ADMIN).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("X-API-Key", ADMIN).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every stored event of a query, page by page ({@code after_seq}). */
    public List<JsonNode> events(String query) {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = EventJson.read(body("/api/v1/events?limit=500&after_seq=" + after + "&" + query));
            page.get("events").forEach(e -> all.add(e.get("event")));
            if (page.get("events").size() < 500) {
                return all;
            }
            after = page.get("next_after_seq").asLong();
        }
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    public void kill() throws InterruptedException {
        // the runtime itself: java -jar runs it in a child JVM with a heap bound
        List<ProcessHandle> runtime = process.descendants().toList();
        runtime.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> runtime = process.descendants().toList();
        process.destroy(); // the launcher stops its runtime gracefully
        if (!process.waitFor(20, TimeUnit.SECONDS) || runtime.stream().anyMatch(ProcessHandle::isAlive)) {
            runtime.forEach(ProcessHandle::destroyForcibly);
            kill();
        }
    }

    /** A route file taking one Oura heart-rate payload per POST to /faults/ingest?user=U into direct:ingest. */
    public static final String INGEST_ROUTE = """
            - route:
                id: fault-ingest
                from:
                  uri: platform-http:/faults/ingest
                  steps:
                    - setHeader: {name: Healthbridge.provider, constant: oura}
                    - setHeader: {name: Healthbridge.dataset, constant: heartrate}
                    - setHeader: {name: Healthbridge.userId, header: user}
                    - to: direct:ingest
                    - setBody: {constant: ok}
            """;


    /**
     * Heart-rate events {@code from} to {@code from + n - 1} through {@link #INGEST_ROUTE}, one per POST (each for its
     * own user), 8 in flight; every POST must be accepted.
     */
    public void publishHeartRates(int from, int n) throws Exception {
        PackagedRuntime rt = this;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore slots = new Semaphore(8);
        AtomicInteger failed = new AtomicInteger();
        long base = java.time.Instant.now().minusSeconds(86_400).getEpochSecond();
        for (int i = from; i < from + n; i++) {
            String time = java.time.OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(base + i), java.time.ZoneOffset.UTC)
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
            String body = "{\"data\":[{\"timestamp\":\"" + time + "+00:00\",\"bpm\":" + (50 + i % 50) + ",\"source\":\"awake\"}]}";
            slots.acquire();
            http.sendAsync(HttpRequest.newBuilder(URI.create(rt.uri("/faults/ingest?user=k" + i).toString()))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        if (e != null || r.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                        slots.release();
                    });
        }
        slots.acquire(8);
        if (failed.get() > 0) {
            throw new IOException(failed.get() + " of " + n + " events were not accepted");
        }
    }
}
