package io.healthbridge.provider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Oura, Withings and Fitbit (Google Health) publish canonical events for every data type they offer. */
class ProviderPollingTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work, SimulatedProviders.settings("alice"));
        hb.writeRoute("providers/oura.camel.yaml", SimulatedProviders.pollRoute("oura", "all", 1000, "default", "default"));
        hb.writeRoute("providers/withings.camel.yaml", SimulatedProviders.pollRoute("withings", "all", 1000, "default", "default"));
        hb.writeRoute("providers/fitbit.camel.yaml", SimulatedProviders.pollRoute("fitbit", "all", 1000, "600/1m", "600/1m"));
        hb.writeRoute("providers/whoop.camel.yaml", SimulatedProviders.pollRoute("whoop", "all", 1000, "default", "default"));
        hb.writeRoute("providers/strava.camel.yaml", SimulatedProviders.pollRoute("strava", "all", 1000, "default", "default"));
        hb.writeRoute("providers/polar.camel.yaml", SimulatedProviders.pollRoute("polar", "all", 1000, "default", "default"));
        hb.writeRoute("providers/garmin.camel.yaml", SimulatedProviders.pollRoute("garmin", "all", 1000, "600/1m", "default"));
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static void awaitTypes(String provider, Set<String> expected) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(SimulatedProviders.typesOf(hb, provider)).containsAll(expected));
    }

    @Test
    void ouraPublishesEveryDataType() {
        awaitTypes("oura", Set.of("health.heart_rate", "health.sleep_session", "health.heart_rate_variability",
                "health.respiratory_rate", "health.daily_activity", "health.oxygen_saturation", "health.workout",
                "health.readiness_score", "health.sleep_score", "health.body_temperature_deviation", "health.vo2_max",
                "health.vascular_age", "health.pulse_wave_velocity", "health.daily_stress", "health.resilience",
                "health.mindfulness_session"));
    }

    @Test
    void theIntegrationsSayWhenEachProviderLastSynced() throws Exception {
        awaitTypes("oura", Set.of("health.heart_rate"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            com.fasterxml.jackson.databind.JsonNode oura = null;
            for (com.fasterxml.jackson.databind.JsonNode i : hb.getJson("/api/v1/integrations").get("integrations")) {
                if (i.get("provider").asText().equals("oura")) {
                    oura = i;
                }
            }
            assertThat(oura).as("the oura integration is listed").isNotNull();
            com.fasterxml.jackson.databind.JsonNode sync = oura.get("sync");
            assertThat(sync.get("connections_active").asLong()).isPositive();
            assertThat(sync.get("connections_in_error").asLong()).isZero();
            assertThat(java.time.Instant.parse(sync.get("last_sync_at").asText()))
                    .isAfter(java.time.Instant.now().minusSeconds(120));
            assertThat(sync.get("lag_seconds").asLong()).isBetween(0L, 120L);
        });
    }

    @Test
    void withingsPublishesEveryDataType() {
        awaitTypes("withings", Set.of("health.body_weight", "health.body_fat", "health.blood_pressure",
                "health.daily_activity", "health.heart_rate", "health.steps", "health.workout",
                "health.sleep_session", "health.respiratory_rate", "health.fat_mass", "health.lean_body_mass",
                "health.muscle_mass", "health.body_water", "health.bone_mass", "health.pulse_wave_velocity",
                "health.vo2_max", "health.heart_rate_variability"));
    }

    @Test
    void fitbitThroughGoogleHealthPublishesEveryDataType() {
        awaitTypes("fitbit", Set.of("health.heart_rate", "health.steps", "health.distance", "health.body_weight",
                "health.body_fat", "health.oxygen_saturation", "health.resting_heart_rate",
                "health.heart_rate_variability", "health.sleep_session", "health.workout"));
    }

    @Test
    void whoopPublishesEveryDataType() {
        awaitTypes("whoop", Set.of("health.workout", "health.sleep_session", "health.respiratory_rate",
                "health.heart_rate_variability", "health.resting_heart_rate", "health.oxygen_saturation",
                "health.daily_activity", "health.body_weight"));
    }

    @Test
    void polarPublishesEveryDataTypeAfterRegisteringTheUser() throws Exception {
        awaitTypes("polar", Set.of("health.heart_rate", "health.heart_rate_variability", "health.respiratory_rate",
                "health.sleep_session", "health.oxygen_saturation", "health.body_weight", "health.daily_activity",
                "health.workout"));
        // each exercise comes with its route (asked with route=true): a fix every 10 s from the loop's start
        JsonNode workout = hb.getJson("/api/v1/events?provider=polar&type=health.workout&limit=1").at("/events/0/event");
        JsonNode streams = workout.at("/data/streams");
        assertThat(streams.at("/route/coordinates/0").toString()).isEqualTo("[24.9384,60.1699]");
        assertThat(streams.at("/offsets_s/1").asInt()).isEqualTo(10);
        assertThat(streams.at("/route/coordinates").size()).isEqualTo(streams.get("samples").asInt());
    }

    @Test
    void garminPublishesEveryDataType() {
        awaitTypes("garmin", Set.of("health.daily_activity", "health.heart_rate", "health.resting_heart_rate",
                "health.steps", "health.distance", "health.active_energy", "health.sleep_session", "health.body_weight",
                "health.body_fat", "health.blood_pressure", "health.heart_rate_variability", "health.oxygen_saturation",
                "health.muscle_mass", "health.bone_mass", "health.body_mass_index", "health.stress_level"));
    }

    @Test
    void stravaPublishesWorkouts() {
        awaitTypes("strava", Set.of("health.workout"));
    }

    @Test
    void connectionsShowCursorsAndNoTokensAndCallsAreCounted() throws Exception {
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            JsonNode list = hb.getJson("/api/v1/connections?provider=oura&user=alice").get("connections");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("sync").get("heartrate").get("synced_until").asText()).isNotBlank();
        });
        String raw = hb.get("/api/v1/connections").body();
        assertThat(raw).doesNotContain("sim-at-").doesNotContain("sim-rt-").doesNotContain("access_token");
        JsonNode c = hb.getJson("/api/v1/connections?provider=oura").get("connections").get(0);
        assertThat(c.get("status").asText()).isEqualTo("active");
        assertThat(c.get("last_sync_at").isNull()).isFalse();
        assertThat(SimulatedProviders.metric(hb, "healthbridge_provider_requests_total", "provider=\"oura\"",
                "outcome=\"success\"")).isPositive();
        assertThat(SimulatedProviders.metric(hb, "healthbridge_circuit_state", "provider=\"oura\"")).isZero();
        assertThat(hb.getJson("/api/v1/dead-letters").get("total").asInt()).isZero();
    }

    @Test
    void aSecondPollPublishesNothingTwice() throws Exception {
        await().atMost(Duration.ofSeconds(40)).until(() -> SimulatedProviders.metric(hb,
                "healthbridge_events_duplicate_total", "provider=\"oura\"") > 0);
        // overlapping windows are fetched again, and dropped as duplicates: ids stay unique
        JsonNode events = hb.getJson("/api/v1/events?provider=oura&type=health.sleep_session&limit=500").get("events");
        java.util.Set<String> ids = new java.util.HashSet<>();
        events.forEach(e -> assertThat(ids.add(e.get("event").get("id").asText())).isTrue());
    }
}
