package io.healthbridge.provider;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** 5xx and 408 are retried until they pass; other 4xx are not retried at all. */
class RetryPolicyTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static ProviderSimulator sim;
    static ProviderCaller caller;
    static ProviderApi api;
    static ProviderSettings settings;
    static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work, SimulatedProviders.settings("rita"));
        Registry r = hb.runtime().context().getRegistry();
        sim = SimulatedProviders.simulator(hb);
        caller = r.lookupByNameAndType("providerCaller", ProviderCaller.class);
        ProviderRegistry providers = r.lookupByNameAndType("providerRegistry", ProviderRegistry.class);
        api = providers.api("oura").orElseThrow();
        settings = providers.settings("oura");
        ConnectionStore store = r.lookupByNameAndType("connectionStore", ConnectionStore.class);
        await().until(() -> store.find("rita", "oura").isPresent());
        connection = store.find("rita", "oura").orElseThrow();
    }

    @org.junit.jupiter.api.BeforeEach
    void closedBreaker() {
        // the tests share the provider's breaker; the give-up case opens it, as it should
        caller.breaker(settings).reset();
        sim.failNext("oura", 0, 500);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static ProviderRequest request() {
        Instant now = Instant.now();
        return api.request("daily_spo2", new TimeWindow(now.minus(Duration.ofDays(2)), now), null, ZoneId.of("UTC"));
    }

    @Test
    void serverErrorsAreRetriedUntilTheCallPasses() throws Exception {
        sim.failNext("oura", 2, 503);
        long before = sim.requests("oura");
        assertThat(caller.call(api, settings, connection, request()).has("data")).isTrue();
        assertThat(sim.requests("oura") - before).isEqualTo(3);
    }

    @Test
    void requestTimeoutsAreRetried() throws Exception {
        sim.failNext("oura", 1, 408);
        long before = sim.requests("oura");
        caller.call(api, settings, connection, request());
        assertThat(sim.requests("oura") - before).isEqualTo(2);
    }

    @Test
    void otherClientErrorsAreNotRetried() {
        sim.failNext("oura", 1, 400);
        long before = sim.requests("oura");
        assertThatThrownBy(() -> caller.call(api, settings, connection, request()))
                .isInstanceOf(ProviderCallException.class).hasMessageContaining("400");
        assertThat(sim.requests("oura") - before).isEqualTo(1);
    }

    @Test
    void retriesGiveUpAfterTheConfiguredAttempts() {
        sim.failNext("oura", 10, 500);
        long before = sim.requests("oura");
        assertThatThrownBy(() -> caller.call(api, settings, connection, request()))
                .isInstanceOf(ProviderCallException.class).hasMessageContaining("3 attempts");
        assertThat(sim.requests("oura") - before).isEqualTo(3);
        sim.failNext("oura", 0, 500);
    }
}
