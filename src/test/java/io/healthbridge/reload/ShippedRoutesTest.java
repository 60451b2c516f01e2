package io.healthbridge.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Every route file shipped in routes/ loads in the real runtime, so a bad shipped file fails the build. */
class ShippedRoutesTest {

    @TempDir
    Path work;

    @Test
    void everyShippedRouteFileLoads() throws Exception {
        Path shipped = Path.of("routes").toAbsolutePath();
        List<String> files;
        try (Stream<Path> s = Files.walk(shipped)) {
            files = s.filter(Files::isRegularFile).filter(RouteFileWatcher::isRouteFile)
                    .map(p -> shipped.relativize(p).toString()).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        try (RunningHealthbridge hb = startOn(shipped, files)) {
            assertThat(hb.bodyOrNull("/api/v1/ping")).contains("\"pong\": true");
        }
    }

    /** Starts the runtime on {@code routes} and asserts that exactly {@code files} were loaded, each without error. */
    private RunningHealthbridge startOn(Path routes, List<String> files) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("healthbridge.routes.dir", routes.toString());
        p.setProperty("healthbridge.routes.reload-enabled", "false");
        RunningHealthbridge hb = RunningHealthbridge.start(work, p);
        try {
            List<RouteFileStatus> statuses = hb.runtime().routeFileLoader().statuses();
            assertThat(statuses).extracting(RouteFileStatus::file).containsExactlyInAnyOrderElementsOf(files);
            assertThat(statuses).allSatisfy(s -> assertThat(s.ok()).as(s.file() + ": " + s.reason()).isTrue());
            return hb;
        } catch (AssertionError | RuntimeException e) {
            hb.close();
            throw e;
        }
    }

    /** The route files of the Kubernetes ConfigMap (deploy/kubernetes/configmap-routes.yaml) load too. */
    @Test
    void everyRouteFileOfTheKubernetesConfigMapLoads() throws Exception {
        com.fasterxml.jackson.databind.JsonNode configMap = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Path.of("deploy/kubernetes/configmap-routes.yaml").toFile());
        Path routes = Files.createDirectories(work.resolve("configmap-routes"));
        List<String> files = new java.util.ArrayList<>();
        configMap.get("data").fields().forEachRemaining(e -> {
            try {
                Files.writeString(routes.resolve(e.getKey()), e.getValue().asText());
                files.add(e.getKey());
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        });
        assertThat(files).isNotEmpty().allSatisfy(f -> assertThat(RouteFileWatcher.isRouteFile(Path.of(f))).isTrue());
        startOn(routes, files).close();
    }

    @Test
    void aBrokenFileAtStartupIsRejectedAndTheRestStarts() throws Exception {
        Files.createDirectories(work.resolve("routes"));
        Files.writeString(work.resolve("routes/broken.camel.yaml"), "- route: [\n");
        Files.writeString(work.resolve("routes/fine.camel.yaml"), io.healthbridge.support.Routes.yamlConstant(
                "fine", "/fine", "fine"));
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            assertThat(hb.bodyOrNull("/fine")).isEqualTo("fine");
            assertThat(hb.runtime().routeFileLoader().statusOf("broken.camel.yaml").ok()).isFalse();
            assertThat(hb.getJson("/health").get("status").asText()).isEqualTo("UP");
        }
    }
}
