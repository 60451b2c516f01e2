package io.healthbridge.provider;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The provider allows 4 requests per 2-second window and counts every request it receives. Healthbridge stays under
 * it by its own quota alone, or by the provider's rate-limit headers alone; a storm of 429s only slows it down.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.healthbridge.faults.Verdict.class)
class RateLimitStormTest {

    @TempDir
    Path work;

    private static void runAndCheck(RunningHealthbridge hb, ProviderSimulator sim, String user) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<Instant> times = HeartRateTimeline.of(hb, user);
            assertThat(times).isNotEmpty();
            assertThat(times.get(times.size() - 1)).isAfter(Instant.now().minus(Duration.ofMinutes(6)));
            assertThat(HeartRateTimeline.gaps(times)).isEmpty();
        });
        io.healthbridge.faults.Verdict.figures("%d requests, %d answered 429, at most %d in any 2 s window (limit 4)",
                sim.requests("oura"), sim.rejected429("oura"), sim.maxRequestsInAnyWindow("oura"));
        assertThat(sim.maxRequestsInAnyWindow("oura")).as("requests sent in any 2 s window").isLessThanOrEqualTo(4);
    }

    @Test
    void theQuotaAloneKeepsUnderTheLimitThroughA429Storm() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings("erin"))) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            sim.setRateLimit("oura", 4, Duration.ofSeconds(2));
            sim.setRateLimitHeaders("oura", false);
            sim.setRandom429("oura", 0.25);
            hb.writeRoute("providers/oura.camel.yaml",
                    SimulatedProviders.pollRoute("oura", "heartrate", 300, "4/2s", "none"));
            runAndCheck(hb, sim, "erin");
            assertThat(sim.rejected429("oura")).as("the storm happened").isPositive();
            assertThat(SimulatedProviders.metric(hb, "healthbridge_provider_requests_total", "provider=\"oura\"",
                    "outcome=\"rate_limited\"")).isPositive();
        }
    }

    @Test
    void theProvidersRateLimitHeadersAloneKeepUnderTheLimit() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings("fred"))) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            sim.setRateLimit("oura", 4, Duration.ofSeconds(2));
            hb.writeRoute("providers/oura.camel.yaml",
                    SimulatedProviders.pollRoute("oura", "heartrate", 300, "none", "none"));
            runAndCheck(hb, sim, "fred");
            assertThat(sim.rejected429("oura")).as("no request was ever refused").isZero();
        }
    }
}
