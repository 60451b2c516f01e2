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

import io.healthbridge.support.Routes;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The command line in its own JVM: options, environment overrides, and a graceful stop on SIGTERM. */
class CommandLineRuntimeTest {

    @TempDir
    Path work;

    @Test
    void startsFromTheCommandLineAndStopsOnSigterm() throws Exception {
        Path routes = Files.createDirectories(work.resolve("my-routes"));
        Files.writeString(routes.resolve("hi.camel.yaml"), Routes.yamlPublic("hi", "/hi", "hi"));
        Path config = work.resolve("custom.properties");
        Files.writeString(config, "healthbridge.routes.reload-interval-ms = 200\n");
        int port = RunningHealthbridge.freePort();
        Path log = work.resolve("out.log");

        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                HealthbridgeApplication.class.getName(),
                "--config", config.toString(), "--routes", routes.toString()))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hi")).build(),
                            HttpResponse.BodyHandlers.ofString()).body().equals("hi"));
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
            String out = Files.readString(log);
            assertThat(out).contains("Healthbridge started").contains("Route file hi.camel.yaml added")
                    .contains("every 200 ms").contains("Healthbridge stopping").contains("Healthbridge stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aMissingConfigFileIsAClearErrorWithExitCode2() throws Exception {
        Process p = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                HealthbridgeApplication.class.getName(), "--config", work.resolve("nope.properties").toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("nope.properties does not exist");
    }

    @Test
    void aBadHeapBoundIsAClearErrorWithExitCode2() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HealthbridgeApplication.class.getName()))
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("HEALTHBRIDGE_MAX_HEAP", "lots");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("HEALTHBRIDGE_MAX_HEAP must be a size such as 224m or 1g, or none: lots")
                .doesNotContain("Exception");
    }

    @Test
    void aMalformedSettingIsOneLineNamingTheKeyWithExitCode2() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), HealthbridgeApplication.class.getName()))
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("HEALTHBRIDGE_WEBHOOKS_THREADS", "many");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("healthbridge: invalid configuration: healthbridge.webhooks.threads is 'many': "
                                 + "it must be a whole number").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void createApiKeyPrintsAKeyTheRuntimeAccepts() throws Exception {
        Path config = work.resolve("cli.properties");
        Files.writeString(config, "healthbridge.data.dir = " + work.resolve("data") + "\n");
        Process p = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                HealthbridgeApplication.class.getName(), "create-api-key", "--name", "ops", "--scopes", "read",
                "--config", config.toString())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(0);
        String key = out.substring(out.lastIndexOf('\n') + 1);
        assertThat(key).startsWith("hbk_");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("healthbridge.data.dir", work.resolve("data").toString());
        try (RunningHealthbridge hb = RunningHealthbridge.start(work.resolve("rt"), props)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hb.uri("/api/v1/routes"))
                    .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void createApiKeyWhileTheEmbeddedStoreIsInUseSaysSo() throws Exception {
        java.util.Properties props = new java.util.Properties();
        try (RunningHealthbridge hb = RunningHealthbridge.start(work.resolve("busy"), props)) {
            Path config = work.resolve("busy.properties");
            Files.writeString(config, "healthbridge.data.dir = " + hb.data() + "\n");
            Process p = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    HealthbridgeApplication.class.getName(), "create-api-key", "--name", "ops", "--scopes", "read",
                    "--config", config.toString())).start();
            String err = new String(p.getErrorStream().readAllBytes());
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(out).doesNotContain("hbk_");
            assertThat(err).contains("in use by a running Healthbridge").contains("POST /api/v1/keys")
                    .doesNotContain("Exception");
        }
    }
}
