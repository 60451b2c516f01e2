package io.healthbridge.provider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tokens that expire mid-run are refreshed transparently (rotation kept); a dead grant revokes the connection. */
class TokenRefreshTest {

    @TempDir
    Path work;

    static double successes(RunningHealthbridge hb) throws Exception {
        return SimulatedProviders.metric(hb, "healthbridge_provider_requests_total", "provider=\"withings\"",
                "outcome=\"success\"");
    }

    @Test
    void expiredTokensAreRefreshedAndRotatedRefreshTokensKept() throws Exception {
        Properties p = SimulatedProviders.settings("frank");
        p.setProperty("healthbridge.auth.refresh-skew-seconds", "0");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            hb.writeRoute("providers/withings.camel.yaml",
                    SimulatedProviders.pollRoute("withings", "getmeas,getactivity", 300, "default", "default"));
            await().atMost(Duration.ofSeconds(20)).until(() -> successes(hb) > 2);

            // twice: the second refresh only works if the first one's rotated refresh token was stored
            for (int round = 1; round <= 2; round++) {
                sim.expireAccessTokens("withings");
                int refreshes = round;
                await().atMost(Duration.ofSeconds(20)).until(() -> sim.refreshes("withings") >= refreshes);
                double before = successes(hb);
                await().atMost(Duration.ofSeconds(20)).until(() -> successes(hb) > before);
            }
            JsonNode c = hb.getJson("/api/v1/connections?provider=withings").get("connections").get(0);
            assertThat(c.get("status").asText()).isEqualTo("active");
            assertThat(SimulatedProviders.metric(hb, "healthbridge_provider_requests_total", "provider=\"withings\"",
                    "outcome=\"unauthorized\"")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aRefreshRefusedForGoodRevokesTheConnection() throws Exception {
        Properties p = SimulatedProviders.settings("gina");
        p.setProperty("healthbridge.auth.refresh-skew-seconds", "0");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            hb.writeRoute("providers/oura.camel.yaml",
                    SimulatedProviders.pollRoute("oura", "daily_activity", 300, "default", "default"));
            await().atMost(Duration.ofSeconds(20)).until(() -> SimulatedProviders.metric(hb,
                    "healthbridge_provider_requests_total", "provider=\"oura\"", "outcome=\"success\"") > 0);

            sim.revokeGrants("oura");
            await().atMost(Duration.ofSeconds(20)).until(() -> "revoked".equals(hb.getJson(
                    "/api/v1/connections?provider=oura").get("connections").get(0).get("status").asText()));
            JsonNode revoked = hb.getJson("/api/v1/events?type=healthbridge.connection.revoked").get("events");
            assertThat(revoked).hasSize(1);
            assertThat(revoked.get(0).get("event").get("data").get("reason").asText()).contains("invalid_grant");
            long requests = sim.requests("oura");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(sim.requests("oura")).as("no more polling of a revoked connection").isEqualTo(requests));
        }
    }
}
