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

/** An outage in the middle of a sync opens the breaker, polls are skipped, recovery closes it, no data is missing. */
@org.junit.jupiter.api.extension.ExtendWith(io.healthbridge.faults.Verdict.class)
class CircuitBreakerOutageTest {

    @TempDir
    Path work;

    @Test
    void outageOpensTheBreakerAndRecoveryClosesItWithNoGap() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings("dana"))) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            sim.setLatency("oura", Duration.ofMillis(40));
            hb.writeRoute("providers/oura.camel.yaml",
                    SimulatedProviders.pollRoute("oura", "heartrate", 300, "default", "default"));

            // the outage starts in the middle of the first sync (3 days of samples take ~18 pages)
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.requests("oura") >= 6);
            sim.setOutage("oura", true);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    SimulatedProviders.metric(hb, "healthbridge_circuit_state", "provider=\"oura\"") == 1.0);
            long whileOpen = sim.requests("oura");
            await().atMost(Duration.ofSeconds(10)).until(() -> SimulatedProviders.metric(hb,
                    "healthbridge_polls_skipped_total", "provider=\"oura\"", "reason=\"circuit_open\"") > 0);
            assertThat(sim.requests("oura") - whileOpen).as("calls while open").isLessThanOrEqualTo(2);
            assertThat(SimulatedProviders.metric(hb, "healthbridge_provider_requests_total", "provider=\"oura\"",
                    "outcome=\"server_error\"")).isPositive();

            // the outage lasts a minute under bench/faults; here only until the breaker has shown it is open
            long outageStart = System.nanoTime();
            Thread.sleep(Math.max(0, io.healthbridge.faults.Verdict.size(0, 60_000)
                    - (System.nanoTime() - outageStart) / 1_000_000));
            long outageSeconds = Math.round((System.nanoTime() - outageStart) / 1e9);
            long callsDuringOutage = sim.requests("oura") - whileOpen;
            sim.setOutage("oura", false);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    SimulatedProviders.metric(hb, "healthbridge_circuit_state", "provider=\"oura\"") == 0.0);
            // the sync resumes from its cursor and completes up to now, with every 5-minute sample
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Instant> times = HeartRateTimeline.of(hb, "dana");
                assertThat(times).isNotEmpty();
                assertThat(times.get(times.size() - 1)).isAfter(Instant.now().minus(Duration.ofMinutes(6)));
                assertThat(times.get(0)).isBefore(Instant.now().minus(Duration.ofDays(3)).plus(Duration.ofMinutes(6)));
                assertThat(HeartRateTimeline.gaps(times)).isEmpty();
            });
            io.healthbridge.faults.Verdict.figures("outage held %d s more after the breaker opened: %d calls reached the "
                    + "provider meanwhile; breaker closed after recovery; %d samples, no gap",
                    outageSeconds, callsDuringOutage, HeartRateTimeline.of(hb, "dana").size());
        }
    }
}
