package io.healthbridge.provider.garmin;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.provider.MapperGoldenTest;
import io.healthbridge.provider.PayloadRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garmin payloads the mapper was not written against, checked against the Health API's field meanings: the sleep
 * window includes awake time, OFF_WRIST is no sleep, naps and a night's samples are kept, an on-demand SpO2 reading
 * has its own time, a daily's date follows from its start.
 */
class GarminFieldMeaningsTest {

    static PayloadRun run(String file, String dataset) throws Exception {
        JsonNode payload = EventJson.MAPPER.readTree(Path.of("src/test/resources/fixtures/garmin", file).toFile());
        var c = MapperGoldenTest.CONTEXT;
        return PayloadRun.of(new GarminMapper(), dataset, payload,
                new io.healthbridge.event.MappingContext("garmin", c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
    }

    static List<CanonicalEvent> of(PayloadRun run, String type) {
        return run.events.stream().filter(e -> e.type().equals(type)).toList();
    }

    static long seconds(JsonNode quantity) {
        return quantity.path("value").asLong(-1);
    }

    @Test
    void theSleepWindowIncludesAwakeTimeAndTimeAsleepIsTheStages() throws Exception {
        PayloadRun run = run("sleep-2.json", "sleeps");
        assertThat(run.deadLetters).isEmpty();
        CanonicalEvent night = of(run, "health.sleep_session").stream()
                .filter(e -> !e.data().path("nap").asBoolean()).findFirst().orElseThrow();
        JsonNode d = night.data();
        // durationInSeconds 11900 = deep 9446 + light 0 + REM 2142 + awake 312
        assertThat(seconds(d.get("duration"))).isEqualTo(9446 + 2142);
        assertThat(seconds(d.get("time_in_bed"))).isEqualTo(11900);
        assertThat(Duration.between(OffsetDateTime.parse(d.get("start").asText()),
                OffsetDateTime.parse(d.get("end").asText())).toSeconds()).isEqualTo(11900);
        assertThat(d.path("score").asInt()).isEqualTo(87);
        // two light segments overlap REM and run past the window: they contradict the summary and are left out, said
        assertThat(d.has("segments")).isFalse();
        assertThat(d.path("provenance").path("omitted").get(0).path("field").asText()).isEqualTo("segments");
    }

    @Test
    void aNapIsASleepSessionOfItsOwnAndTheNightsSamplesAreKept() throws Exception {
        PayloadRun run = run("sleep-2.json", "sleeps");
        CanonicalEvent nap = of(run, "health.sleep_session").stream()
                .filter(e -> e.data().path("nap").asBoolean()).findFirst().orElseThrow();
        assertThat(nap.data().get("start").asText()).isEqualTo("2023-08-01T14:05:00-05:00");
        assertThat(seconds(nap.data().get("duration"))).isEqualTo(600);
        CanonicalEvent spo2 = of(run, "health.oxygen_saturation").get(0);
        assertThat(spo2.data().get("samples")).hasSize(7);
        assertThat(spo2.data().path("context").asText()).isEqualTo("sleep");
        assertThat(of(run, "health.respiratory_rate").get(0).data().get("samples")).hasSize(4);
    }

    @Test
    void anOffWristNightIsSkippedWithItsReason() throws Exception {
        PayloadRun run = run("sleep-3.json", "sleeps");
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.summary.skippedByReason()).containsEntry("sleep_off_wrist", 1);
    }

    @Test
    void theGoldenNightAsleepIsItsStagesNotItsWindow() throws Exception {
        JsonNode d = run("sleep.json", "sleeps").events.get(0).data();
        assertThat(seconds(d.get("duration"))).isEqualTo(11231 + 3541); // the window, 15264 s, holds 492 s awake
        assertThat(seconds(d.get("time_in_bed"))).isEqualTo(15264);
    }

    @Test
    void anOnDemandSpo2ReadingIsPublishedAtTheTimeItWasTaken() throws Exception {
        PayloadRun run = run("spo2-2.json", "pulseox");
        assertThat(run.events).hasSize(1);
        JsonNode d = run.events.get(0).data();
        // start 1572303600 (midnight at +01:00) + offset 55740 s = 15:29 local
        assertThat(d.get("start").asText()).isEqualTo("2019-10-29T15:29:00+01:00");
        assertThat(d.get("end").asText()).isEqualTo("2019-10-29T15:29:00+01:00");
        assertThat(d.path("value").path("value").asInt()).isEqualTo(93);
    }

    @Test
    void aDailyWithoutCalendarDateTakesItsDateFromStartAndOffsetAndSaysSo() throws Exception {
        PayloadRun run = run("daily-activity-2.json", "dailies");
        assertThat(run.deadLetters).isEmpty();
        JsonNode d = of(run, "health.daily_activity").get(0).data();
        assertThat(d.get("date").asText()).isEqualTo("2016-01-12");
        assertThat(d.path("steps").path("value").asInt()).isEqualTo(3305);
        assertThat(d.path("provenance").path("estimated").get(0).path("field").asText()).isEqualTo("date");
    }
}
