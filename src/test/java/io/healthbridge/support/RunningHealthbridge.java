package io.healthbridge.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthbridge.HealthbridgeRuntime;
import io.healthbridge.store.Database;

/** The real runtime on a free loopback port with its own routes and data folders, spoken to over HTTP. */
public final class RunningHealthbridge implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The bootstrap admin key every test runtime has; {@link #send} sends it unless the request has its own. */
    private static final java.util.Map<String, String> POSTGRES_DATABASES = new java.util.concurrent.ConcurrentHashMap<>();

    public static final String ADMIN_KEY = "hbk_test-admin-key-0123456789";

    private final HealthbridgeRuntime runtime;
    private final int port;
    private final Path routes;
    private final Path data;
    // HTTP/1.1: the JDK client's h2c upgrade against Vert.x once read a large /metrics answer as HTTP/2 frames
    // ("Frame type(61) ... exceeds MAX_FRAME_SIZE"), seen once in a full run and not reproduced; noted in the issue
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RunningHealthbridge(HealthbridgeRuntime runtime, int port, Path routes, Path data) {
        this.runtime = runtime;
        this.port = port;
        this.routes = routes;
        this.data = data;
    }

    public static RunningHealthbridge start(Path workDir) throws Exception {
        return start(workDir, new Properties());
    }

    /** Starts on {@code workDir/routes} and {@code workDir/data}; {@code extra} wins over every other setting. */
    public static RunningHealthbridge start(Path workDir, Properties extra) throws Exception {
        Path routes = Files.createDirectories(workDir.resolve("routes"));
        Path data = Files.createDirectories(workDir.resolve("data"));
        int port = freePort();
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("camel.server.host", "127.0.0.1");
        p.setProperty("healthbridge.routes.dir", routes.toString());
        p.setProperty("healthbridge.routes.reload-interval-ms", "100");
        p.setProperty("healthbridge.data.dir", data.toString());
        p.setProperty("healthbridge.imports.dir", workDir.resolve("imports").toString());
        p.setProperty("healthbridge.public-url", "http://127.0.0.1:" + port);
        // the simulator and its demo users only where a test asks for them
        p.setProperty("healthbridge.simulator.enabled", "false");
        p.setProperty("healthbridge.simulator.port", "0");
        p.setProperty("healthbridge.demo.users", "");
        p.setProperty("healthbridge.api.admin-key", ADMIN_KEY);
        // tests drive many requests from one address: rate limits only where a test sets them
        for (String surface : new String[] { "api-per-credential", "api-per-address", "push-per-provider",
                "push-per-address", "connect-per-address", "other-per-address" }) {
            p.setProperty("healthbridge.rate-limit." + surface, "none");
        }
        if ("postgres".equals(System.getProperty("healthbridge.test.store"))) {
            // the whole suite on PostgreSQL (mvn test -Dhealthbridge.test.store=postgres): one database per work folder,
            // so a restart on the same folder finds its data again
            p.setProperty("healthbridge.store.url", POSTGRES_DATABASES.computeIfAbsent(workDir.toAbsolutePath().toString(), k -> {
                try {
                    return Postgres.newDatabase();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            p.setProperty("healthbridge.store.username", "postgres");
        }
        p.putAll(extra);
        HealthbridgeRuntime runtime = new HealthbridgeRuntime(null, null, p);
        runtime.start();
        return new RunningHealthbridge(runtime, port, routes, data);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public HealthbridgeRuntime runtime() {
        return runtime;
    }

    public int port() {
        return port;
    }

    public Path routes() {
        return routes;
    }

    public Path data() {
        return data;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.timeout(Duration.ofSeconds(10)).build();
        if (r.headers().firstValue("Authorization").isEmpty() && r.headers().firstValue("X-API-Key").isEmpty()) {
            r = HttpRequest.newBuilder(r, (name, value) -> true).header("Authorization", "Bearer " + ADMIN_KEY).build();
        }
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** Body of a GET, or null when the path does not answer 200. */
    public String bodyOrNull(String path) {
        try {
            HttpResponse<String> r = get(path);
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public JsonNode getJson(String path) throws IOException, InterruptedException {
        return MAPPER.readTree(get(path).body());
    }

    /** Writes a route file atomically (temp file, then move), as an editor or a deploy tool would. */
    public Path writeRoute(String relative, String content) throws IOException {
        Path target = routes.resolve(relative);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        Files.writeString(tmp, content);
        return Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes a route file and waits until the runtime has dealt with this version (applied or rejected: the file's
     * {@code at} in {@code /api/v1/routes} moves on); returns the file's status.
     */
    public JsonNode writeRouteAndWait(String relative, String content) throws Exception {
        String before = routeFileStatus(relative).path("at").asText("");
        writeRoute(relative, content);
        JsonNode[] now = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            now[0] = routeFileStatus(relative);
            return !now[0].path("at").asText("").isEmpty() && !now[0].path("at").asText("").equals(before);
        });
        return now[0];
    }

    /** The status of one route file in {@code /api/v1/routes}, or an empty node when the runtime has not seen it. */
    public JsonNode routeFileStatus(String relative) throws IOException, InterruptedException {
        for (JsonNode f : getJson("/api/v1/routes").path("files")) {
            if (relative.equals(f.path("file").asText())) {
                return f;
            }
        }
        return MAPPER.createObjectNode();
    }

    /** Waits until the reconciler has read every stored event and recomputed every day it queued. */
    public void awaitReconciled() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count("SELECT COUNT(*) FROM reconcile_pending") == 0 && count("SELECT COUNT(*) FROM "
                        + "outbox_cursors WHERE name = 'reconciler' AND last_seq >= (SELECT COALESCE(MAX(seq), 0) "
                        + "FROM events)") == 1 && count("SELECT COUNT(*) FROM reconcile_pending") == 0);
    }

    /** The runtime's store, to look at (or set up) rows a test cannot reach through the API. */
    public DataSource store() {
        return runtime.context().getRegistry().lookupByNameAndType("database", Database.class).dataSource();
    }

    /** The number a query of the store answers ({@code SELECT COUNT(*) …}). */
    public long count(String sql, Object... args) throws SQLException {
        try (Connection c = store().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Runs one statement on the store; the rows it touched. */
    public int exec(String sql, Object... args) throws SQLException {
        try (Connection c = store().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    /** Deletes a route file, as an operator would. */
    public void deleteRoute(String relative) throws IOException {
        Files.delete(routes.resolve(relative));
    }

    @Override
    public void close() {
        runtime.stop();
    }
}
