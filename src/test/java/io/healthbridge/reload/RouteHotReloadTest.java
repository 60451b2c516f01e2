package io.healthbridge.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.healthbridge.support.Routes.javaConstant;
import static io.healthbridge.support.Routes.yamlConstant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Adding, editing, renaming and deleting route files while the runtime serves. */
class RouteHotReloadTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    private static void awaitBody(String path, String expected) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> expected.equals(hb.bodyOrNull(path)));
    }

    private static void awaitGone(String path) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> hb.get(path).statusCode() == 404);
    }

    @Test
    void yamlFileAddedEditedAndDeleted() throws Exception {
        hb.writeRoute("team/a.camel.yaml", yamlConstant("a", "/a", "one"));
        awaitBody("/a", "one");

        hb.writeRoute("team/a.camel.yaml", yamlConstant("a", "/a", "two"));
        awaitBody("/a", "two");

        Files.delete(hb.routes().resolve("team/a.camel.yaml"));
        awaitGone("/a");
        // the path stops answering when the route stops; the route leaves the context a moment after
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> hb.runtime().context().getRoute("a") == null);
    }

    /**
     * A Kubernetes ConfigMap volume: each file is a link into {@code ..data}, itself a link to a timestamped folder
     * that the kubelet replaces atomically on an update. The change is applied; the hidden folders are not loaded.
     */
    @Test
    void configMapVolumeUpdatesAreApplied() throws Exception {
        Path mount = Files.createDirectories(hb.routes().resolve("configmap"));
        Path v1 = Files.createDirectories(mount.resolve("..2026_11_24_10_00_00.000000001"));
        Files.writeString(v1.resolve("cm.camel.yaml"), yamlConstant("cm", "/cm", "first"));
        Files.createSymbolicLink(mount.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(mount.resolve("cm.camel.yaml"), Path.of("..data/cm.camel.yaml"));
        awaitBody("/cm", "first");

        // kubectl apply of a changed ConfigMap: a new folder, ..data swapped to it by rename, the old folder removed
        Path v2 = Files.createDirectories(mount.resolve("..2026_11_24_10_01_00.000000002"));
        Files.writeString(v2.resolve("cm.camel.yaml"), yamlConstant("cm", "/cm", "second"));
        Files.createSymbolicLink(mount.resolve("..data_tmp"), v2.getFileName());
        Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(v1.resolve("cm.camel.yaml"));
        Files.delete(v1);
        awaitBody("/cm", "second");
        assertThat(hb.runtime().context().getRoutes()).filteredOn(r -> r.getRouteId().startsWith("cm")).hasSize(1);
    }

    @Test
    void javaFileIsCompiledAndServes() throws Exception {
        hb.writeRoute("Hello.java", javaConstant("Hello", "hello-java", "/hello-java", "from java"));
        awaitBody("/hello-java", "from java");

        hb.writeRoute("Hello.java", javaConstant("Hello", "hello-java", "/hello-java", "edited java"));
        awaitBody("/hello-java", "edited java");
    }

    @Test
    void deletingOneFileRemovesOnlyItsRoutes() throws Exception {
        hb.writeRoute("keep.camel.yaml", yamlConstant("keep", "/keep", "kept"));
        hb.writeRoute("drop.camel.yaml", """
                - route:
                    id: drop-1
                    from:
                      uri: platform-http:/drop-1
                      steps:
                        - setBody: {constant: "d1"}
                - route:
                    id: drop-2
                    from:
                      uri: platform-http:/drop-2
                      steps:
                        - setBody: {constant: "d2"}
                """);
        awaitBody("/drop-2", "d2");
        awaitBody("/keep", "kept");

        Files.delete(hb.routes().resolve("drop.camel.yaml"));
        awaitGone("/drop-1");
        awaitGone("/drop-2");
        assertThat(hb.bodyOrNull("/keep")).isEqualTo("kept");
        assertThat(hb.runtime().context().getRoute("keep").getUptimeMillis()).isPositive();
    }

    @Test
    void editThatDropsARouteRemovesOnlyThatRoute() throws Exception {
        hb.writeRoute("pair.camel.yaml", """
                - route:
                    id: pair-x
                    from:
                      uri: platform-http:/pair-x
                      steps:
                        - setBody: {constant: "x"}
                - route:
                    id: pair-y
                    from:
                      uri: platform-http:/pair-y
                      steps:
                        - setBody: {constant: "y"}
                """);
        awaitBody("/pair-y", "y");

        hb.writeRoute("pair.camel.yaml", yamlConstant("pair-x", "/pair-x", "x2"));
        awaitBody("/pair-x", "x2");
        awaitGone("/pair-y");
    }

    @Test
    void renameKeepsTheRoutesUnderTheNewFileName() throws Exception {
        hb.writeRoute("old-name.camel.yaml", yamlConstant("renamed", "/renamed", "r"));
        awaitBody("/renamed", "r");

        Files.move(hb.routes().resolve("old-name.camel.yaml"), hb.routes().resolve("new-name.camel.yaml"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "new-name.camel.yaml".equals(hb.runtime().routeFileLoader().fileOf("renamed")));
        assertThat(hb.bodyOrNull("/renamed")).isEqualTo("r");
        assertThat(hb.runtime().routeFileLoader().files()).doesNotContain("old-name.camel.yaml");
    }
}
