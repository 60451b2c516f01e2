package io.healthbridge;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.healthbridge.support.Routes;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's run command on the packaged jar, with the shipped application.properties and routes/ copied into a
 * fresh working directory: /health is UP, demo data flows from the simulator, a YAML route dropped in answers, and a
 * broken file beside it changes nothing that was running.
 */
class PackagedJarIT {

    @TempDir
    Path work;

    final HttpClient http = HttpClient.newHttpClient();
    static final String ADMIN = "hbk_packaged-jar-admin";

    String get(int port, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("X-API-Key", ADMIN).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
        } catch (Exception e) {
            return "unreachable";
        }
    }

    @Test
    void theShippedRuntimeStartsServesAndHotReloads() throws Exception {
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path target = work.resolve(p.toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
        int port = RunningHealthbridge.freePort();
        int simPort = RunningHealthbridge.freePort();
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("healthbridge.jar", "target/healthbridge.jar")))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("out.log").toFile());
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        Path archives = work.resolve("class-archives");
        pb.environment().put("HEALTHBRIDGE_CLASS_ARCHIVE", archives.toString());
        pb.environment().put("HEALTHBRIDGE_PUBLIC_URL", "http://127.0.0.1:" + port);
        pb.environment().put("HEALTHBRIDGE_SIMULATOR_PORT", String.valueOf(simPort));
        pb.environment().put("HEALTHBRIDGE_POLL_PERIOD_MS", "2000");
        pb.environment().put("HEALTHBRIDGE_ADMIN_API_KEY", ADMIN);
        Process process = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> get(port, "/health").contains("\"status\":\"UP\""));
            assertThat(get(port, "/api/v1/ping")).contains("\"pong\": true");
            // java -jar with no heap option: the runtime is a child JVM with the default bound
            List<ProcessHandle> runtime = process.descendants().toList();
            assertThat(runtime).hasSize(1);
            assertThat(runtime.get(0).info().arguments().map(List::of).orElseThrow()).contains("-Xmx224m");
            // with two malloc arenas, and the JDK's per-thread I/O buffers bounded (native memory under load)
            assertThat(Files.readString(Path.of("/proc", String.valueOf(runtime.get(0).pid()), "environ")).split("\0"))
                    .contains("MALLOC_ARENA_MAX=2");
            // its first start: the class archive is written when it stops
            assertThat(runtime.get(0).info().arguments().map(List::of).orElseThrow())
                    .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + archives));
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(runtime.get(0).pid()), "VM.system_properties").redirectErrorStream(true).start();
            assertThat(new String(jcmd.getInputStream().readAllBytes())).contains("jdk.nio.maxCachedBufferSize=262144");
            await().atMost(Duration.ofSeconds(60)).until(() -> get(port, "/api/v1/events?type=health.heart_rate&limit=1")
                    .contains("\"type\":\"health.heart_rate\""));
            // and the demo's phone: a Health Connect batch pushed at the first start (after the demo's connections,
            // whose first polls may publish before it)
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port,
                    "/api/v1/events?provider=health_connect&type=health.steps&limit=5").contains("com.sec.android.app.shealth"));
            assertThat(get(port, "/api/v1/events?provider=health_connect&type=health.steps&limit=5"))
                    .contains("com.google.android.apps.fitness");
            // and an Apple Health export imported for the demo users: iPhone and Watch as two sources
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port,
                    "/api/v1/events?provider=apple_health&type=health.steps&limit=50").contains("Watch7,1"));
            assertThat(get(port, "/api/v1/events?provider=apple_health&type=health.steps&limit=50"))
                    .contains("iPhone15,2");

            Files.writeString(work.resolve("routes/hello.camel.yaml"), Routes.yamlConstant("hello", "/hello", "hi"));
            await().atMost(Duration.ofSeconds(5)).until(() -> get(port, "/hello").equals("hi"));
            Files.writeString(work.resolve("routes/broken.camel.yaml"), "- route: [\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> get(port, "/api/v1/routes").contains("\"rejected\""));
            assertThat(get(port, "/hello")).isEqualTo("hi");
            assertThat(get(port, "/api/v1/ping")).contains("pong");
            assertThat(get(port, "/health")).contains("\"status\":\"UP\"");
            // the dashboard is served from the jar, and the first start wrote the admin password (never to the log)
            assertThat(get(port, "/")).contains("<title>Healthbridge</title>");
            assertThat(get(port, "/ui/app.js")).contains("/api/v1/auth/login");
            String password = Files.readString(work.resolve("data/initial-admin-password")).trim();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            // and signs in with it, as the README tells a new user to
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/v1/auth/login")).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"admin\",\"password\":\"" + password + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.body()).contains("\"access_token\"");
            String log = Files.readString(work.resolve("out.log"));
            assertThat(log).contains("Route file broken.camel.yaml rejected").doesNotContain("sim-at-")
                    .doesNotContain("sim-rt-").doesNotContain(password);
            process.destroy(); // SIGTERM to the launcher stops the runtime gracefully
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime).noneMatch(ProcessHandle::isAlive);
            assertThat(Files.readString(work.resolve("out.log"))).contains("Healthbridge stopped");
        } finally {
            stop(process);
        }
        try (Stream<Path> left = Files.list(archives)) {
            assertThat(left.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".jsa");
        }

        // the next start maps the jar's classes from the archive
        Files.delete(work.resolve("out.log"));
        Process again = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> get(port, "/health").contains("\"status\":\"UP\""));
            assertThat(again.descendants().findFirst().orElseThrow().info().arguments().map(List::of).orElseThrow())
                    .anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=" + archives));
            assertThat(Files.readString(work.resolve("out.log"))).contains("Classes mapped from the jar's class archive")
                    .doesNotContain("[cds]");
        } finally {
            stop(again);
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
