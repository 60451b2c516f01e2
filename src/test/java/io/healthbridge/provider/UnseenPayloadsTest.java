package io.healthbridge.provider;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.provider.polar.PolarMapper;
import io.healthbridge.provider.strava.StravaMapper;
import io.healthbridge.provider.garmin.GarminMapper;
import io.healthbridge.provider.withings.WithingsMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Strava, Withings and Polar payloads of shapes the mappers were not written against: right, or accounted for. */
class UnseenPayloadsTest {

    static PayloadRun run(ProviderMapper mapper, String file, String dataset) throws Exception {
        JsonNode payload = EventJson.MAPPER.readTree(Path.of("src/test/resources/fixtures", file).toFile());
        MappingContext c = MapperGoldenTest.CONTEXT;
        return PayloadRun.of(mapper, dataset, payload,
                new MappingContext(mapper.provider(), c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
    }

    @Test
    void stravaEnergyFromKilojoulesIsMarkedAnEstimate() throws Exception {
        PayloadRun run = run(new StravaMapper(), "strava/workouts-2.json", "activities");
        assertThat(run.events).hasSize(2);
        JsonNode d = run.events.get(0).data();
        assertThat(d.path("energy").path("value").decimalValue()).isEqualByComparingTo("788.7");
        assertThat(d.path("provenance").path("estimated").get(0).path("field").asText()).isEqualTo("energy");
    }

    @Test
    void aWithingsListOfReadingsSentAsIntradayActivityIsADeadLetterNotASilentZero() throws Exception {
        PayloadRun run = run(new WithingsMapper(), "withings/heart-rate-2.json", "getintradayactivity");
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).hasSize(1);
        assertThat(run.deadLetters.get(0).reasonCode()).isEqualTo(EventPipeline.REASON_MAPPING);
        assertThat(run.deadLetters.get(0).reason()).contains("not an intraday activity response");
    }

    @Test
    void aWithingsBodyCompositionGroupIsAnEventPerMeasureAndNamesTheOnesItHasNoPlaceFor() throws Exception {
        // a Body Cardio weighing: weight 72.35 kg, fat 18.2 %, fat-free mass (5), fat mass (8), muscle (76),
        // hydration (77, kilograms), bone (88), height (4, metres), pulse wave velocity (91, m/s) and a visceral fat
        // index (170), which has no canonical type; then groups of muscle mass alone, pulse wave velocity alone, a
        // watch's VO2 max (123, ml/min/kg), visceral fat alone and a vascular age (155, years)
        JsonNode payload = EventJson.read("""
                {"status": 0, "body": {"timezone": "Europe/Paris", "measuregrps": [
                  {"grpid": 41, "date": 1733119200, "category": 1, "model": "Body Cardio", "measures": [
                    {"value": 72350, "type": 1, "unit": -3}, {"value": 182, "type": 6, "unit": -1},
                    {"value": 59183, "type": 5, "unit": -3}, {"value": 13167, "type": 8, "unit": -3},
                    {"value": 56120, "type": 76, "unit": -3}, {"value": 41010, "type": 77, "unit": -3},
                    {"value": 3060, "type": 88, "unit": -3}, {"value": 178, "type": 4, "unit": -2},
                    {"value": 812, "type": 91, "unit": -2}, {"value": 9, "type": 170, "unit": 0}]},
                  {"grpid": 42, "date": 1733122800, "category": 1, "measures": [{"value": 56200, "type": 76, "unit": -3}]},
                  {"grpid": 43, "date": 1733126400, "category": 1, "measures": [{"value": 798, "type": 91, "unit": -2}]},
                  {"grpid": 44, "date": 1733130000, "category": 1, "measures": [{"value": 423, "type": 123, "unit": -1}]},
                  {"grpid": 45, "date": 1733133600, "category": 1, "measures": [{"value": 8, "type": 170, "unit": 0}]},
                  {"grpid": 46, "date": 1733137200, "category": 1, "measures": [{"value": 52, "type": 155, "unit": 0}]}
                ], "more": 0, "offset": 0}}""");
        MappingContext c = MapperGoldenTest.CONTEXT;
        PayloadRun run = PayloadRun.of(new WithingsMapper(), "getmeas", payload,
                new MappingContext("withings", c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
        assertThat(run.events).extracting(e -> e.type() + " " + e.data().at("/value/value").decimalValue()
                        .stripTrailingZeros().toPlainString() + " " + e.data().at("/value/unit").asText())
                .containsExactly("health.body_weight 72.35 kg", "health.body_fat 18.2 %",
                        "health.lean_body_mass 59.183 kg", "health.fat_mass 13.167 kg", "health.muscle_mass 56.12 kg",
                        "health.body_water 41.01 kg", "health.bone_mass 3.06 kg", "health.body_height 1.78 m",
                        "health.pulse_wave_velocity 8.12 m/s", "health.muscle_mass 56.2 kg",
                        "health.pulse_wave_velocity 7.98 m/s", "health.vo2_max 42.3 mL/(kg.min)",
                        "health.vascular_age 52 a");
        for (var e : run.events.subList(0, 9)) {
            assertThat(e.data().at("/provenance/omitted").findValuesAsText("field")).containsExactly("measures[type=170]");
            assertThat(e.data().at("/start").asText()).isEqualTo("2024-12-02T07:00:00+01:00");
        }
        assertThat(run.events.subList(9, 13)).allMatch(e -> e.data().at("/provenance/omitted").isMissingNode());
        // Withings' own estimate (meastype 155), said whose it is like Oura's
        assertThat(run.events.get(12).data().get("provider_name").asText()).isEqualTo("Withings vascular age");
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.summary.skippedByReason()).containsEntry(RecordSkipped.NO_MEASUREMENT, 1);
    }

    @Test
    void garminStressLevelsLeaveOutTheSamplesGarminCouldNotScore() throws Exception {
        // 08:00 at UTC+1 for 12 minutes: levels every 3 minutes, one "not enough data" (-1), one "too much motion" (-2)
        JsonNode payload = EventJson.read("""
                {"stressDetails": [{"summaryId": "sd-1", "calendarDate": "2026-11-20", "startTimeInSeconds": 1795158000,
                  "startTimeOffsetInSeconds": 3600, "durationInSeconds": 720,
                  "timeOffsetStressLevelValues": {"0": 22, "180": -1, "360": 47, "540": -2, "720": 31}},
                 {"summaryId": "sd-2", "calendarDate": "2026-11-20", "startTimeInSeconds": 1795161600,
                  "startTimeOffsetInSeconds": 3600, "durationInSeconds": 360,
                  "timeOffsetStressLevelValues": {"0": -1, "180": -1, "360": -2}}]}""");
        PayloadRun run = PayloadRun.of(new GarminMapper(), "stressDetails", payload, MapperGoldenTest.CONTEXT);
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.events).hasSize(1);
        JsonNode d = run.events.get(0).data();
        assertThat(d.get("start").asText()).isEqualTo("2026-11-20T08:00:00+01:00");
        assertThat(d.get("end").asText()).isEqualTo("2026-11-20T08:12:00+01:00");
        assertThat(d.get("samples").findValuesAsText("time")).containsExactly("2026-11-20T08:00:00+01:00",
                "2026-11-20T08:06:00+01:00", "2026-11-20T08:12:00+01:00");
        assertThat(d.get("samples").findValues("value")).extracting(JsonNode::asInt).containsExactly(22, 47, 31);
        assertThat(d.get("avg").decimalValue()).isEqualByComparingTo("33.3");
        assertThat(d.get("min").asInt()).isEqualTo(22);
        assertThat(d.get("max").asInt()).isEqualTo(47);
        assertThat(d.at("/scale/max").asInt()).isEqualTo(100);
        assertThat(d.at("/provenance/omitted/0/reason").asText()).startsWith("2 samples Garmin could not score");
        assertThat(run.summary.skippedByReason()).containsEntry("no_stress_measured", 1);
    }

    @Test
    void aWithingsSleepSeriesSentAsASummaryIsADeadLetter() throws Exception {
        PayloadRun run = run(new WithingsMapper(), "withings/sleep-2.json", "sleep_summary");
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).hasSize(1);
    }

    @Test
    void aWithingsSummaryOfZeroesIsNoSleep() throws Exception {
        PayloadRun run = run(new WithingsMapper(), "withings/sleep.json", "sleep_summary");
        assertThat(run.events.stream().filter(e -> e.type().equals("health.sleep_session"))).isEmpty();
        assertThat(run.summary.skippedByReason()).containsEntry("no_sleep_measured", 1);
    }

    @Test
    void polarActivitySamplesOfADayWithNoStepAreSkippedNotPublishedAsZero() throws Exception {
        PayloadRun run = run(new PolarMapper(), "polar/daily-activity-2.json", "activity");
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.summary.skippedByReason()).containsEntry("no_steps_recorded", 1);
    }

    @Test
    void polarActivitySamplesWithStepsBecomeTheDaysSteps() {
        JsonNode payload = EventJson.read("{\"date\":\"2026-11-20\",\"steps\":{\"interval_ms\":3600000,"
                + "\"total_steps\":1200,\"samples\":[{\"steps\":700,\"timestamp\":\"2026-11-20T09:00\"},"
                + "{\"steps\":500,\"timestamp\":\"2026-11-20T10:00\"}]}}");
        MappingContext c = MapperGoldenTest.CONTEXT;
        PayloadRun run = PayloadRun.of(new PolarMapper(), "activity", payload,
                new MappingContext("polar", c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
        assertThat(run.deadLetters).isEmpty();
        JsonNode d = run.events.get(0).data();
        assertThat(d.path("steps").path("value").asInt()).isEqualTo(1200);
        assertThat(d.get("start").asText()).isEqualTo("2026-11-20T00:00:00+01:00");
        assertThat(d.get("samples")).hasSize(2);
    }

    @Test
    void polarsHyphenatedSpellingOfAnExerciseIsTheSameExercise() throws Exception {
        PayloadRun snake = run(new PolarMapper(), "polar/workouts-2.json", "exercises");
        PayloadRun kebab = run(new PolarMapper(), "polar/exercise-transaction-hyphenated.json", "exercises");
        assertThat(kebab.deadLetters).isEmpty();
        assertThat(kebab.events).hasSize(1);
        assertThat(kebab.events.get(0).id()).isEqualTo(snake.events.get(0).id());
        assertThat(kebab.events.get(0).data().path("heart_rate").path("avg").asInt()).isEqualTo(129);
    }

    @Test
    void anOuraPeriodWithNoTimeAsleepIsSkippedAndANapIsANap() throws Exception {
        PayloadRun run = run(new io.healthbridge.provider.oura.OuraMapper(), "oura/realistic/sleep-unscored.json", "sleep");
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.summary.skippedByReason()).containsEntry("no_sleep_measured", 1);
        JsonNode nap = run.events.get(0).data();
        assertThat(nap.path("nap").asBoolean()).isTrue();
        assertThat(nap.path("duration").path("value").asInt()).isEqualTo(1800);
    }

    @Test
    void polarWorkoutStreamsLeftOutAreNamedAndTheRouteIsCarried() throws Exception {
        PayloadRun run = run(new PolarMapper(), "polar/workouts-2.json", "exercises");
        assertThat(run.events).hasSize(1);
        JsonNode data = run.events.get(0).data();
        assertThat(data.path("provenance").path("omitted").findValuesAsText("field"))
                .containsExactly("samples", "heart_rate_zones");
        assertThat(data.at("/streams/offsets_s/0").decimalValue()).isEqualByComparingTo("210.026");
        assertThat(data.at("/streams/route/coordinates/0").toString()).isEqualTo("[25.13925,60.21982833]");
    }
}
