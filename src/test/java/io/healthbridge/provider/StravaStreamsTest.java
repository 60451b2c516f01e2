package io.healthbridge.provider;

import java.time.Instant;
import java.time.ZoneId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.Invariants;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.WorkoutStreams;
import io.healthbridge.provider.strava.StravaMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Strava activity with the streams the poll put into it ({@code GET /activities/{id}/streams?key_by_type=true}),
 * through the mapping, schema and invariants of the publish path: one workout whose samples and route are the
 * payload's, in canonical units and GeoJSON order.
 */
class StravaStreamsTest {

    static final MappingContext CTX = new MappingContext("strava", "user-1", "134815",
            Instant.parse("2026-11-28T18:00:00Z"), ZoneId.of("Europe/Berlin"));

    /** A run of 8 s, sampled every 2 s, as Strava answers a stream request keyed by type. */
    static final String ACTIVITY = """
            [{"id": 12345678987654321, "name": "Tiergarten loop", "distance": 24.3, "moving_time": 8,
              "elapsed_time": 8, "type": "Run", "sport_type": "Run", "start_date": "2026-11-28T16:02:11Z",
              "utc_offset": 3600, "average_heartrate": 104.0, "max_heartrate": 111.0,
              "streams": {
                "time": {"data": [0, 2, 4, 6, 8], "series_type": "distance", "original_size": 5, "resolution": "high"},
                "distance": {"data": [0.0, 5.9, 11.8, 18.1, 24.3], "series_type": "distance", "original_size": 5,
                             "resolution": "high"},
                "latlng": {"data": [[52.5145, 13.3501], [52.51455, 13.35015], [52.5146, 13.35022],
                                    [52.51466, 13.3503], [52.51471, 13.35038]],
                           "series_type": "distance", "original_size": 5, "resolution": "high"},
                "altitude": {"data": [34.2, 34.4, 34.5, 34.5, 34.7], "series_type": "distance", "original_size": 5,
                             "resolution": "high"},
                "velocity_smooth": {"data": [0.0, 2.95, 2.95, 3.15, 3.1], "series_type": "distance",
                                    "original_size": 5, "resolution": "high"},
                "heartrate": {"data": [96, 101, 104, 108, 111], "series_type": "distance", "original_size": 5,
                              "resolution": "high"},
                "cadence": {"data": [0, 84, 85, 85, 86], "series_type": "distance", "original_size": 5,
                            "resolution": "high"},
                "moving": {"data": [false, true, true, true, true], "series_type": "distance", "original_size": 5,
                           "resolution": "high"}
              }}]""";

    static CanonicalEvent mapOne(String payload) {
        PayloadRun run = PayloadRun.of(new StravaMapper(), "activities", EventJson.read(payload), CTX);
        assertThat(run.deadLetters).as("dead letters").isEmpty();
        assertThat(run.events).hasSize(1);
        return run.events.get(0);
    }

    @Test
    void aWorkoutCarriesItsSamplesAndRouteAsThePayloadHasThem() {
        CanonicalEvent workout = mapOne(ACTIVITY);
        JsonNode s = workout.data().get("streams");
        assertThat(workout.data().at("/start").asText()).isEqualTo("2026-11-28T17:02:11+01:00");
        assertThat(s.get("samples").asInt()).isEqualTo(5);
        assertThat(s.get("offsets_s").toString()).isEqualTo("[0,2,4,6,8]");
        assertThat(s.at("/series/heart_rate/unit").asText()).isEqualTo("/min");
        assertThat(s.at("/series/heart_rate/values").toString()).isEqualTo("[96,101,104,108,111]");
        assertThat(s.at("/series/speed/unit").asText()).isEqualTo("m/s");
        assertThat(s.at("/series/speed/values").toString()).isEqualTo("[0.0,2.95,2.95,3.15,3.1]");
        assertThat(s.at("/series/distance/values/4").decimalValue()).isEqualByComparingTo("24.3");
        assertThat(s.at("/series/cadence/values").toString()).isEqualTo("[0,84,85,85,86]");
        assertThat(s.at("/series/altitude/unit").asText()).isEqualTo("m");
        assertThat(s.at("/series/moving/values/0").asBoolean()).isFalse();
        // GeoJSON: [longitude, latitude, altitude], the other way round from Strava's latlng pairs
        assertThat(s.at("/route/type").asText()).isEqualTo("LineString");
        assertThat(s.at("/route/coordinates/0").toString()).isEqualTo("[13.3501,52.5145,34.2]");
        assertThat(s.at("/route/coordinates/4").toString()).isEqualTo("[13.35038,52.51471,34.7]");
        assertThat(s.at("/route/coordinates")).hasSize(5);
        assertThat(s.has("power")).isFalse();
        assertThat(workout.data().at("/provenance/omitted").isMissingNode()).isTrue();
        // five samples ride in the event itself
        assertThat(WorkoutStreams.kept(workout)).isNull();
    }

    @Test
    void streamsSentAsAListOfTypedStreamsMapTheSame() {
        JsonNode keyed = EventJson.read(ACTIVITY);
        ArrayNode list = EventJson.MAPPER.createArrayNode();
        keyed.get(0).get("streams").fields().forEachRemaining(e -> list.add(((ObjectNode) e.getValue().deepCopy())
                .put("type", e.getKey())));
        ((ObjectNode) keyed.get(0)).set("streams", list);
        assertThat(mapOne(EventJson.write(keyed)).data().get("streams"))
                .isEqualTo(mapOne(ACTIVITY).data().get("streams"));
    }

    @Test
    void streamsWithoutTimeAreNamedAsOmittedAndTheWorkoutStillPublished() {
        String noTime = ACTIVITY.replace("\"time\": {\"data\": [0, 2, 4, 6, 8],", "\"timer\": {\"data\": [0, 2, 4, 6, 8],");
        CanonicalEvent workout = mapOne(noTime);
        assertThat(workout.data().has("streams")).isFalse();
        assertThat(workout.data().at("/provenance/omitted").findValuesAsText("field")).containsExactly("streams");
        assertThat(workout.data().at("/duration/value").asInt()).isEqualTo(8);
    }

    @Test
    void aSeriesShorterThanTheOffsetsIsADeadLetterNotAMisplacedSample() {
        String broken = ACTIVITY.replace("\"heartrate\": {\"data\": [96, 101, 104, 108, 111]",
                "\"heartrate\": {\"data\": [96, 101, 104, 108]");
        PayloadRun run = PayloadRun.of(new StravaMapper(), "activities", EventJson.read(broken), CTX);
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).hasSize(1);
        assertThat(run.deadLetters.get(0).reason()).contains(Invariants.STREAMS_ALIGNED)
                .contains("heart_rate has 4 values for 5 offsets");
    }

    @Test
    void aLongWorkoutIsStoredWithALinkAndItsStreamsBesideIt() {
        StringBuilder time = new StringBuilder();
        StringBuilder hr = new StringBuilder();
        for (int t = 0; t < 1500; t++) {
            time.append(t == 0 ? "" : ",").append(t);
            hr.append(t == 0 ? "" : ",").append(100 + t % 40);
        }
        String payload = """
                [{"id": 99, "distance": 4200.0, "moving_time": 1500, "elapsed_time": 1500, "sport_type": "Run",
                  "start_date": "2026-11-28T16:02:11Z", "utc_offset": 3600,
                  "streams": {"time": {"data": [%s]}, "heartrate": {"data": [%s]}}}]""".formatted(time, hr);
        CanonicalEvent workout = mapOne(payload);
        JsonNode kept = WorkoutStreams.kept(workout);
        assertThat(kept).isNotNull();
        assertThat(kept.at("/series/heart_rate/values/1499").asInt()).isEqualTo(100 + 1499 % 40);
        JsonNode stored = EventJson.read(WorkoutStreams.storedJson(workout));
        assertThat(stored.at("/data/streams").toString()).isEqualTo("{\"href\":\"/api/v1/events/" + workout.id()
                + "/streams\",\"samples\":1500,\"keys\":[\"heart_rate\"]}");
        // the event as mapped is untouched until it is stored
        assertThat(workout.data().at("/streams/samples").asInt()).isEqualTo(1500);
        assertThat(workout.data().at("/streams/offsets_s")).hasSize(1500);
    }
}
