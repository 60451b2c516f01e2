package io.healthbridge.provider;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.provider.polar.PolarMapper;
import io.healthbridge.provider.strava.StravaMapper;
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
    void aWithingsBodyCompositionGroupNamesTheMeasuresItHasNoPlaceFor() throws Exception {
        // a Body Cardio weighing: weight 72.35 kg, fat 18.2 %, and fat-free (5), fat mass (8), muscle (76),
        // hydration (77) and bone (88), which have no canonical type; then a group of muscle mass alone
        JsonNode payload = EventJson.read("""
                {"status": 0, "body": {"timezone": "Europe/Paris", "measuregrps": [
                  {"grpid": 41, "date": 1733119200, "category": 1, "model": "Body Cardio", "measures": [
                    {"value": 72350, "type": 1, "unit": -3}, {"value": 182, "type": 6, "unit": -1},
                    {"value": 59183, "type": 5, "unit": -3}, {"value": 13167, "type": 8, "unit": -3},
                    {"value": 56120, "type": 76, "unit": -3}, {"value": 41010, "type": 77, "unit": -3},
                    {"value": 3060, "type": 88, "unit": -3}]},
                  {"grpid": 42, "date": 1733122800, "category": 1, "measures": [{"value": 56200, "type": 76, "unit": -3}]}
                ], "more": 0, "offset": 0}}""");
        MappingContext c = MapperGoldenTest.CONTEXT;
        PayloadRun run = PayloadRun.of(new WithingsMapper(), "getmeas", payload,
                new MappingContext("withings", c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
        assertThat(run.events).extracting(e -> e.type()).containsExactly("health.body_weight", "health.body_fat");
        assertThat(run.events.get(0).data().at("/value/value").decimalValue()).isEqualByComparingTo("72.35");
        assertThat(run.events.get(1).data().at("/value/value").decimalValue()).isEqualByComparingTo("18.2");
        for (var e : run.events) {
            assertThat(e.data().at("/provenance/omitted").findValuesAsText("field")).containsExactly(
                    "measures[type=5]", "measures[type=8]", "measures[type=76]", "measures[type=77]",
                    "measures[type=88]");
        }
        assertThat(run.summary.skippedByReason()).containsEntry(RecordSkipped.NO_MEASUREMENT, 1);
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
    void polarWorkoutStreamsLeftOutAreNamed() throws Exception {
        PayloadRun run = run(new PolarMapper(), "polar/workouts-2.json", "exercises");
        assertThat(run.events).hasSize(1);
        assertThat(run.events.get(0).data().path("provenance").path("omitted")).hasSize(3);
    }
}
