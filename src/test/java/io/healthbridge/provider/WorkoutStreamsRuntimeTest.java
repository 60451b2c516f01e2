package io.healthbridge.provider;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.WorkoutStreams;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Strava poll fetches each activity's streams (the simulator samples every second), and the workout published
 * links to them: {@code GET /api/v1/events/{id}/streams} serves every sample and the route; the user's export carries
 * them inline; erasing the user removes them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkoutStreamsRuntimeTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work, SimulatedProviders.settings("sam"));
        hb.writeRoute("providers/strava.camel.yaml", SimulatedProviders.pollRoute("strava", "all", 1000, "default",
                "default"));
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static JsonNode aWorkout() {
        return await().atMost(Duration.ofSeconds(40)).until(() -> {
            JsonNode events = hb.getJson("/api/v1/events?provider=strava&type=health.workout&limit=10").get("events");
            return events.isEmpty() ? null : events.get(0).get("event");
        }, e -> e != null);
    }

    @Test
    void aPolledWorkoutLinksToEverySampleAndItsRoute() throws Exception {
        JsonNode workout = aWorkout();
        JsonNode data = workout.get("data");
        long seconds = Duration.between(OffsetDateTime.parse(data.get("start").asText()),
                OffsetDateTime.parse(data.get("end").asText())).toSeconds();
        // one sample a second for 30 minutes or more: too long to ride in the event
        JsonNode link = data.get("streams");
        assertThat(link.get("href").asText()).isEqualTo(WorkoutStreams.href(workout.get("id").asText()));
        assertThat(link.get("samples").asLong()).isEqualTo(seconds);
        assertThat(link.get("keys").toString()).isEqualTo(
                "[\"heart_rate\",\"speed\",\"cadence\",\"altitude\",\"distance\",\"route\"]");

        JsonNode streams = hb.getJson(link.get("href").asText());
        assertThat(streams.get("offsets_s")).hasSize((int) seconds);
        assertThat(streams.at("/offsets_s/" + (seconds - 1)).asLong()).isEqualTo(seconds - 1);
        // the simulator's loop starts at the park's corner, heart rate at 95, and covers the activity's distance
        assertThat(streams.at("/route/coordinates/0").toString()).isEqualTo("[13.3501,52.5145,34.0]");
        assertThat(streams.at("/series/heart_rate/values/0").asInt()).isEqualTo(95);
        double speed = streams.at("/series/speed/values/0").asDouble();
        assertThat(speed * seconds).isCloseTo(data.at("/distance/value").asDouble(), Offset.offset(seconds * 0.005));
        assertThat(hb.count("SELECT COUNT(*) FROM event_streams WHERE event_id = ?", workout.get("id").asText()))
                .isEqualTo(1);
    }

    @Test
    void theReconciledWorkoutServesTheStreamsOfTheWorkoutItWasMadeFrom() throws Exception {
        // the demo's phone data has reconciled workouts of its own: the one made from Strava's
        JsonNode reconciled = await().atMost(Duration.ofSeconds(40)).until(() -> {
            for (JsonNode e : hb.getJson("/api/v1/events?provider=reconciled&type=health.workout&limit=500")
                    .get("events")) {
                if (e.at("/event/data/provenance/sources/0/source").asText().equals("strava")) {
                    return e.get("event");
                }
            }
            return null;
        }, e -> e != null);
        String source = reconciled.at("/data/provenance/derived_from/0").asText();
        assertThat(reconciled.at("/data/streams/href").asText()).isEqualTo(WorkoutStreams.href(source));
        assertThat(hb.getJson("/api/v1/events/" + reconciled.get("id").asText() + "/streams"))
                .isEqualTo(hb.getJson(WorkoutStreams.href(source)));
    }

    @Test
    void streamsOfAnUnknownEventOrOfAnEventWithoutThemAre404() throws Exception {
        assertThat(hb.get("/api/v1/events/no-such-event/streams").statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(40)).until(() -> hb.getJson("/api/v1/events?type=healthbridge.connection.created")
                .get("events").size() > 0);
        String connection = hb.getJson("/api/v1/events?type=healthbridge.connection.created").at("/events/0/event/id")
                .asText();
        var r = hb.get("/api/v1/events/" + connection + "/streams");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("has none");
    }

    @Test
    @Order(Integer.MAX_VALUE) // erases the user the others read
    void theExportCarriesTheStreamsInlineAndErasureRemovesThem() throws Exception {
        String id = aWorkout().get("id").asText();
        String export = hb.get("/api/v1/users/sam/export").body();
        JsonNode exported = export.lines().map(EventJson::read).filter(e -> id.equals(e.path("id").asText()))
                .findFirst().orElseThrow();
        assertThat(exported.at("/data/streams/offsets_s").size()).isGreaterThan(WorkoutStreams.INLINE_MAX_SAMPLES);
        assertThat(exported.at("/data/streams/route/coordinates/0/0").asDouble()).isEqualTo(13.3501);

        hb.deleteRoute("providers/strava.camel.yaml");
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/sam")).DELETE()).statusCode()).isEqualTo(200);
        assertThat(hb.count("SELECT COUNT(*) FROM event_streams")).isZero();
        assertThat(hb.get("/api/v1/events/" + id + "/streams").statusCode()).isEqualTo(404);
    }
}
