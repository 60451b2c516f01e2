package io.healthbridge.admin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.healthbridge.support.Routes.yamlConstant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An admin stops, starts, suspends and resumes route-file routes; the hold outlives a reload of the file. */
class RouteControlTest {

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

    static HttpResponse<String> control(String routeId, String action, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri("/api/v1/routes/" + routeId + "/" + action))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return hb.send(b);
    }

    static JsonNode route(String id) throws Exception {
        for (JsonNode r : hb.getJson("/api/v1/routes").get("routes")) {
            if (id.equals(r.get("id").asText())) {
                return r;
            }
        }
        throw new AssertionError("no route " + id);
    }

    static void awaitBody(String path, String expected) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> expected.equals(hb.bodyOrNull(path)));
    }

    @Test
    void aStoppedRouteStopsServingStaysStoppedAcrossAReloadOfItsFileAndStartsAgain() throws Exception {
        hb.writeRoute("team/ctl.camel.yaml", yamlConstant("ctl", "/ctl", "one"));
        awaitBody("/ctl", "one");

        HttpResponse<String> stopped = control("ctl", "stop", null);
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        JsonNode body = EventJson.read(stopped.body());
        assertThat(body.get("status").asText()).isEqualTo("Stopped");
        assertThat(body.get("held").asText()).isEqualTo("stopped");
        assertThat(body.get("source").asText()).isEqualTo("team/ctl.camel.yaml");
        assertThat(hb.get("/ctl").statusCode()).isEqualTo(404);
        assertThat(route("ctl").get("held").asText()).isEqualTo("stopped");

        // a new version of the file: applied, and its route still down
        assertThat(hb.writeRouteAndWait("team/ctl.camel.yaml", yamlConstant("ctl", "/ctl", "two"))
                .get("result").asText()).isEqualTo("ok");
        assertThat(route("ctl").get("status").asText()).isEqualTo("Stopped");
        assertThat(hb.get("/ctl").statusCode()).isEqualTo(404);

        HttpResponse<String> started = control("ctl", "start", null);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(EventJson.read(started.body()).get("held").isNull()).isTrue();
        awaitBody("/ctl", "two");
        // released: the next version starts as its file says
        hb.writeRouteAndWait("team/ctl.camel.yaml", yamlConstant("ctl", "/ctl", "three"));
        awaitBody("/ctl", "three");

        JsonNode audit = hb.getJson("/api/v1/audit?action=api-routes-control").get("entries");
        assertThat(audit.findValuesAsText("target")).contains("POST /api/v1/routes/ctl/stop",
                "POST /api/v1/routes/ctl/start");
    }

    @Test
    void aSuspendedTimerTakesNoExchangesUntilResumedEvenAfterItsFileIsReloaded() throws Exception {
        String file = """
                - route:
                    id: tick
                    from:
                      uri: timer:tick?period=20
                      steps:
                        - setBody:
                            constant: "%s"
                """;
        hb.writeRouteAndWait("team/tick.camel.yaml", file.formatted("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> route("tick").get("exchanges_total").asLong() > 3);

        HttpResponse<String> suspended = control("tick", "suspend", null);
        assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
        assertThat(EventJson.read(suspended.body()).get("status").asText()).isEqualTo("Suspended");
        long at = route("tick").get("exchanges_total").asLong();
        Thread.sleep(300);
        assertThat(route("tick").get("exchanges_total").asLong()).isLessThanOrEqualTo(at + 1);

        hb.writeRouteAndWait("team/tick.camel.yaml", file.formatted("b"));
        assertThat(route("tick").get("held").asText()).isEqualTo("suspended");
        assertThat(route("tick").get("status").asText()).isNotEqualTo("Started");
        Thread.sleep(300);
        assertThat(route("tick").get("exchanges_total").asLong()).isZero(); // the reloaded route never ran

        HttpResponse<String> resumed = control("tick", "resume", null);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(EventJson.read(resumed.body()).get("status").asText()).isEqualTo("Started");
        await().atMost(Duration.ofSeconds(10)).until(() -> route("tick").get("exchanges_total").asLong() > 3);
    }

    @Test
    void onlyAnAdminControlsAndOnlyTheRoutesOfRouteFiles() throws Exception {
        hb.writeRoute("team/kept.camel.yaml", yamlConstant("kept", "/kept", "up"));
        awaitBody("/kept", "up");
        HttpResponse<String> viewer = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys")).POST(
                HttpRequest.BodyPublishers.ofString("{\"name\":\"watcher\",\"scopes\":[\"read\"]}")));
        assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(201);
        String viewerKey = EventJson.read(viewer.body()).get("key").asText();

        assertThat(control("kept", "stop", viewerKey).statusCode()).isEqualTo(403);
        assertThat(control("kept", "stop", "not-a-key").statusCode()).isEqualTo(401);
        HttpResponse<String> builtIn = control("health", "stop", null);
        assertThat(builtIn.statusCode()).isEqualTo(409);
        assertThat(builtIn.body()).contains("built into the runtime");
        assertThat(control("api-routes-control-impl", "stop", null).statusCode()).isEqualTo(409);
        assertThat(control("no-such-route", "stop", null).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = control("kept", "explode", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("stop, start, suspend or resume");

        assertThat(hb.bodyOrNull("/kept")).isEqualTo("up");
        assertThat(hb.get("/health").statusCode()).isEqualTo(200);
        assertThat(route("kept").get("held").isNull()).isTrue();
    }

    @Test
    void aHoldSetOrReleasedByAnotherInstanceSharingTheStoreIsApplied() throws Exception {
        hb.writeRoute("team/shared.camel.yaml", yamlConstant("shared", "/shared", "s"));
        awaitBody("/shared", "s");
        // what another instance's POST .../stop leaves in the store
        hb.exec("INSERT INTO route_holds (route_id, state, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)",
                "shared", "stopped");
        await().atMost(Duration.ofSeconds(15)).until(() -> hb.get("/shared").statusCode() == 404);
        assertThat(route("shared").get("held").asText()).isEqualTo("stopped");
        hb.exec("DELETE FROM route_holds WHERE route_id = ?", "shared");
        awaitBody("/shared", "s");
    }

    @Test
    void theHoldOutlivesARestart(@TempDir Path other) throws Exception {
        try (RunningHealthbridge first = RunningHealthbridge.start(other)) {
            first.writeRouteAndWait("held.camel.yaml", yamlConstant("held", "/held", "x"));
            HttpResponse<String> r = first.send(HttpRequest.newBuilder(first.uri("/api/v1/routes/held/stop"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        try (RunningHealthbridge again = RunningHealthbridge.start(other)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.runtime().context().getRoute("held") != null);
            assertThat(String.valueOf(again.runtime().context().getRouteController().getRouteStatus("held")))
                    .isEqualTo("Stopped");
            assertThat(again.get("/held").statusCode()).isEqualTo(404);
            HttpResponse<String> r = again.send(HttpRequest.newBuilder(again.uri("/api/v1/routes/held/start"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(again.get("/held").body()).isEqualTo("x");
        }
    }
}
