package io.healthbridge.api;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.healthbridge.support.Routes.yamlConstant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /health, /metrics and /api/v1/routes answer as specified, and reloads keep other routes' meters. */
class ManagementEndpointsTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        hb.writeRoute("counted.camel.yaml", yamlConstant("counted", "/counted", "c"));
        await().atMost(Duration.ofSeconds(5)).until(() -> hb.bodyOrNull("/counted") != null);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    @Test
    void healthIsUpWithAChecksList() throws Exception {
        HttpResponse<String> r = hb.get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        JsonNode body = hb.getJson("/health");
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("checks").findValuesAsText("name")).contains("context", "route-files");
        assertThat(body.get("checks").findValuesAsText("status")).containsOnly("UP");
        assertThat(hb.getJson("/health/live").get("status").asText()).isEqualTo("UP");
        assertThat(hb.getJson("/health/ready").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void healthIs503WhenACheckIsDown() throws Exception {
        // a route that is stopped by hand is DOWN in the routes health check
        hb.writeRoute("stoppable.camel.yaml", yamlConstant("stoppable", "/stoppable", "s"));
        await().atMost(Duration.ofSeconds(5)).until(() -> hb.bodyOrNull("/stoppable") != null);
        hb.runtime().context().getRouteController().stopRoute("stoppable");
        try {
            HttpResponse<String> r = hb.get("/health");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(hb.getJson("/health").get("status").asText()).isEqualTo("DOWN");
        } finally {
            hb.runtime().context().getRouteController().startRoute("stoppable");
        }
        assertThat(hb.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsArePrometheusTextWithJvmAndRouteMeters() throws Exception {
        hb.get("/counted");
        HttpResponse<String> r = hb.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body()).contains("# TYPE jvm_memory_used_bytes gauge")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"counted\"[^}]*} [1-9]");
    }

    @Test
    void routesListShowsSourceStatusUptimeAndCounts() throws Exception {
        hb.get("/counted");
        JsonNode counted = null;
        for (JsonNode route : hb.getJson("/api/v1/routes").get("routes")) {
            if (route.get("id").asText().equals("counted")) {
                counted = route;
            }
        }
        assertThat(counted).isNotNull();
        assertThat(counted.get("source").asText()).isEqualTo("counted.camel.yaml");
        assertThat(counted.get("status").asText()).isEqualTo("Started");
        assertThat(counted.get("uptime_ms").asLong()).isPositive();
        assertThat(counted.get("exchanges_total").asLong()).isPositive();
        assertThat(counted.get("exchanges_failed").asLong()).isZero();
        assertThat(counted.get("last_reload").get("result").asText()).isEqualTo("ok");
    }

    @Test
    void reloadingAnotherFileKeepsThisRoutesMeters() throws Exception {
        for (int i = 0; i < 3; i++) {
            hb.get("/counted");
        }
        double before = exchangesOf("counted");
        assertThat(before).isGreaterThanOrEqualTo(3);

        hb.writeRoute("other.camel.yaml", yamlConstant("other", "/other", "o1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> "o1".equals(hb.bodyOrNull("/other")));
        hb.writeRoute("other.camel.yaml", yamlConstant("other", "/other", "o2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> "o2".equals(hb.bodyOrNull("/other")));

        assertThat(exchangesOf("counted")).isGreaterThanOrEqualTo(before);
    }

    private static double exchangesOf(String routeId) throws Exception {
        String metrics = hb.get("/metrics").body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("camel_exchanges_total{") && line.contains("routeId=\"" + routeId + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
