package io.healthbridge.integration;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The integration registry against a running runtime and the simulator: figures from real calls, a health check that
 * sees an outage, changes applied without restart (schedule, quota, base URL), unregister and register again,
 * validation, secrets never answered, and everything kept across a restart.
 */
class IntegrationRegistryTest {

    @TempDir
    Path work;

    static HttpResponse<String> send(RunningHealthbridge hb, String method, String path, String body) throws Exception {
        return hb.send(HttpRequest.newBuilder(hb.uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Waits until a poll that was running has finished: no call to the provider for a second. */
    static long quiet(ProviderSimulator sim, String provider) {
        long[] last = { -1 };
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            long now = sim.requests(provider);
            boolean still = now == last[0];
            last[0] = now;
            return still;
        });
        return last[0];
    }

    static JsonNode json(HttpResponse<String> r) {
        return EventJson.read(r.body());
    }

    @Test
    void registryShowsLiveFiguresAndAppliesChangesWithoutRestart() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, loopbackAllowed(SimulatedProviders.settings("ivy")))) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            hb.writeRoute("providers/oura.camel.yaml", SimulatedProviders.pollRoute("oura", "heartrate,sleep", 300,
                    "default", "default"));
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.requests("oura") >= 4);

            // list and figures
            HttpResponse<String> list = hb.get("/api/v1/integrations");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).doesNotContain("healthbridge-sim-secret");
            JsonNode all = json(list).get("integrations");
            assertThat(all.findValuesAsText("provider")).contains("oura", "withings", "fitbit", "garmin", "polar", "whoop", "strava");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode oura = json(hb.get("/api/v1/integrations/oura"));
                JsonNode m = oura.get("metrics");
                assertThat(oura.get("state").asText()).isEqualTo("configured");
                assertThat(m.get("requests_total").asLong()).isGreaterThanOrEqualTo(4);
                assertThat(m.get("succeeded").asLong()).isPositive();
                assertThat(m.get("success_rate").asDouble()).isBetween(0.5, 1.0);
                assertThat(m.get("latency_ms").get("average").asDouble()).isPositive();
                assertThat(m.get("latency_ms").get("p95").isNumber()).isTrue();
                assertThat(oura.get("breaker").get("state").asText()).isEqualTo("CLOSED");
                assertThat(oura.get("quota").get("remaining").asLong()).isPositive();
                assertThat(oura.get("settings").get("auth").get("client_secret_set").asBoolean()).isTrue();
            });

            // on-demand health check: up, then an outage
            JsonNode up = json(send(hb, "POST", "/api/v1/integrations/oura/health-check", null));
            assertThat(up.get("healthy").asBoolean()).as(up.toString()).isTrue();
            sim.setOutage("oura", true);
            JsonNode down = json(send(hb, "POST", "/api/v1/integrations/oura/health-check", null));
            assertThat(down.get("healthy").asBoolean()).isFalse();
            assertThat(down.get("status_code").asInt()).isEqualTo(503);
            sim.setOutage("oura", false);

            // pause polling through the schedule, then resume it
            HttpResponse<String> paused = send(hb, "PATCH", "/api/v1/integrations/oura", "{\"schedule\":{\"enabled\":false}}");
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(json(paused).get("state").asText()).isEqualTo("registered");
            long before = quiet(sim, "oura"); // a poll in flight finishes
            // five ticks of the route's timer
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(sim.requests("oura")).as("no poll while the schedule is off").isEqualTo(before));
            send(hb, "PATCH", "/api/v1/integrations/oura", "{\"schedule\":{\"enabled\":true}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.requests("oura") > before);
            // a new app quota holds at once: at most 3 calls today (a day window does not turn during the test;
            // one call may have been in flight)
            long atChange = sim.requests("oura");
            send(hb, "PATCH", "/api/v1/integrations/oura", "{\"quotas\":{\"app\":\"3/1d\"}}");
            assertThat(quiet(sim, "oura") - atChange).isLessThanOrEqualTo(4);
            JsonNode limited = json(hb.get("/api/v1/integrations/oura"));
            assertThat(limited.get("quota").get("app").asText()).isEqualTo("3/1d");
            assertThat(limited.get("quota").get("remaining").asLong()).isZero();
            assertThat(limited.get("registered_fields").toString()).contains("schedule.enabled", "quotas.app");

            // the health check takes its request from the app quota too, which is used up now
            assertThat(json(send(hb, "POST", "/api/v1/integrations/oura/health-check", null)).get("error").asText())
                    .startsWith("app quota exhausted");
            // a new base URL applies to the next call: nothing listens there (null resets the quota to configuration)
            int dead = RunningHealthbridge.freePort();
            send(hb, "PATCH", "/api/v1/integrations/oura", "{\"base_url\":\"http://127.0.0.1:" + dead
                                                           + "/oura\",\"quotas\":{\"app\":null}}");
            JsonNode unreachable = json(send(hb, "POST", "/api/v1/integrations/oura/health-check", null));
            assertThat(unreachable.get("healthy").asBoolean()).isFalse();
            assertThat(unreachable.get("error").asText()).startsWith("unreachable");
            send(hb, "PATCH", "/api/v1/integrations/oura", "{\"base_url\":null}");
            assertThat(json(send(hb, "POST", "/api/v1/integrations/oura/health-check", null)).get("healthy").asBoolean())
                    .isTrue();

            // audit
            assertThat(hb.get("/api/v1/audit?action=api-integrations-patch").body()).contains("PATCH /api/v1/integrations/oura");
        }
    }

    @Test
    void badChangesAreRefusedAndNothingIsStored() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings(""))) {
            String[][] cases = {
                    { "{\"breaker\":{\"failure_rate\":500}}", "breaker.failure_rate" },
                    { "{\"bogus\":1}", "bogus" },
                    { "{\"base_url\":\"ftp://x\"}", "base_url" },
                    { "{\"quotas\":{\"app\":\"ten per minute\"}}", "quotas.app" },
                    { "{\"retry\":{\"max_attempts\":\"4\"}}", "retry.max_attempts" },
                    { "{\"schedule\":{\"poll_interval_ms\":10}}", "schedule.poll_interval_ms" },
                    { "{\"auth\":{\"scopes\":\"daily heartrate\"}}", "auth.scopes" },
                    { "{\"retry\":{\"initial_backoff_ms\":9000,\"max_backoff_ms\":100}}", "retry.initial_backoff_ms" },
                    { "[1,2]", "body" },
                    { "not json", "body" } };
            for (String[] c : cases) {
                HttpResponse<String> r = send(hb, "PATCH", "/api/v1/integrations/oura", c[0]);
                assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
                JsonNode error = json(r).get("error");
                assertThat(error.get("code").asText()).isEqualTo("VAL_001");
                assertThat(error.get("details").has(c[1]) || error.get("details").toString().contains(c[1]))
                        .as(c[0] + " → " + r.body()).isTrue();
            }
            assertThat(json(hb.get("/api/v1/integrations/oura")).get("state").asText()).isEqualTo("configured");
            assertThat(send(hb, "GET", "/api/v1/integrations/acme", null).statusCode()).isEqualTo(404);
            HttpResponse<String> unknownType = send(hb, "POST", "/api/v1/integrations", "{\"provider\":\"acme\"}");
            assertThat(unknownType.statusCode()).isEqualTo(400);
            HttpResponse<String> noProvider = send(hb, "POST", "/api/v1/integrations", "{\"base_url\":\"https://x.org\"}");
            assertThat(json(noProvider).get("error").get("code").asText()).isEqualTo("VAL_002");
        }
    }

    @Test
    void unregisterStopsCallsRegisterBringsThemBackAndAllIsKeptAcrossARestart() throws Exception {
        String secret = "client-secret-registered-via-api";
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, loopbackAllowed(SimulatedProviders.settings("ivy")))) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            hb.writeRoute("providers/oura.camel.yaml", SimulatedProviders.pollRoute("oura", "heartrate", 300,
                    "default", "default"));
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.requests("oura") >= 2);

            assertThat(send(hb, "DELETE", "/api/v1/integrations/oura", null).statusCode()).isEqualTo(200);
            long before = quiet(sim, "oura");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(sim.requests("oura")).as("no call to an unregistered integration").isEqualTo(before));
            assertThat(json(send(hb, "POST", "/api/v1/integrations/oura/health-check", null)).get("healthy").asBoolean())
                    .isFalse();
            assertThat(send(hb, "DELETE", "/api/v1/integrations/oura", null).statusCode()).isEqualTo(404);

            HttpResponse<String> registered = send(hb, "POST", "/api/v1/integrations",
                    "{\"provider\":\"oura\",\"auth\":{\"client_secret\":\"" + secret + "\"},\"timeout_ms\":4000}");
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            assertThat(registered.body()).doesNotContain(secret);
            assertThat(send(hb, "POST", "/api/v1/integrations", "{\"provider\":\"oura\"}").statusCode()).isEqualTo(409);
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.requests("oura") > before);

            // the secret is sealed in the store, never in clear
            javax.sql.DataSource ds = hb.runtime().context().getRegistry().lookupByNameAndType("database",
                    io.healthbridge.store.Database.class).dataSource();
            try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement()
                    .executeQuery("SELECT settings, client_secret FROM integrations WHERE provider = 'oura'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + rs.getString(2)).doesNotContain(secret);
            }
        }
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings(""))) {
            JsonNode oura = json(hb.get("/api/v1/integrations/oura"));
            assertThat(oura.get("state").asText()).isEqualTo("registered");
            assertThat(oura.get("settings").get("timeout_ms").asLong()).isEqualTo(4000);
            assertThat(oura.toString()).doesNotContain(secret);
            assertThat(hb.runtime().context().getRegistry().lookupByNameAndType("providerRegistry",
                    io.healthbridge.provider.ProviderRegistry.class).settings("oura").oauth().clientSecret()).isEqualTo(secret);
        }
    }

    /** The simulator and the dead port the health check probes are on loopback: allowed as outbound targets here. */
    static java.util.Properties loopbackAllowed(java.util.Properties p) {
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        return p;
    }
}
