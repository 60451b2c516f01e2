package io.healthbridge.provider.strava;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.WorkoutStreams;

/**
 * Strava's activity streams ({@code GET /activities/{id}/streams?keys=…&key_by_type=true}: an object keyed by stream
 * type, each with {@code data}; or, without {@code key_by_type}, a list of streams each naming its {@code type}) as
 * {@link WorkoutStreams}. Units per Strava's API reference: time in seconds from the start, distance and altitude in
 * metres, velocity_smooth in metres per second, heartrate in beats per minute, cadence in rotations per minute, watts,
 * temp in degrees Celsius, grade_smooth in percent, moving a boolean, latlng {@code [latitude, longitude]}.
 */
final class StravaStreams {

    /** Strava stream type → canonical series name and UCUM unit. */
    static final Map<String, String[]> SERIES = new LinkedHashMap<>();

    static {
        SERIES.put("heartrate", new String[] {"heart_rate", "/min"});
        SERIES.put("velocity_smooth", new String[] {"speed", "m/s"});
        SERIES.put("watts", new String[] {"power", "W"});
        SERIES.put("cadence", new String[] {"cadence", "/min"});
        SERIES.put("altitude", new String[] {"altitude", "m"});
        SERIES.put("distance", new String[] {"distance", "m"});
        SERIES.put("temp", new String[] {"temperature", "Cel"});
        SERIES.put("grade_smooth", new String[] {"grade", "%"});
        SERIES.put("moving", new String[] {"moving", "{bool}"});
    }

    /** The streams the poll wanted: every type Strava documents. */
    static final String KEYS = "time,latlng,distance,altitude,velocity_smooth,heartrate,cadence,watts,temp,moving,"
                               + "grade_smooth";

    private StravaStreams() {
    }

    /** The streams, or null when there is no time stream to place the samples by. */
    static WorkoutStreams of(JsonNode streams) {
        Map<String, JsonNode> byType = byType(streams);
        JsonNode time = byType.get("time");
        if (time == null || !time.isArray() || time.isEmpty()) {
            return null;
        }
        WorkoutStreams out = new WorkoutStreams(((ArrayNode) time).deepCopy());
        for (Map.Entry<String, String[]> s : SERIES.entrySet()) {
            JsonNode data = byType.get(s.getKey());
            if (data != null && data.isArray()) {
                out.series(s.getValue()[0], s.getValue()[1], ((ArrayNode) data).deepCopy());
            }
        }
        JsonNode latlng = byType.get("latlng");
        if (latlng != null && latlng.isArray() && !latlng.isEmpty()) {
            JsonNode altitude = byType.get("altitude");
            boolean withAltitude = altitude != null && altitude.size() == latlng.size();
            ArrayNode coordinates = EventJson.MAPPER.createArrayNode();
            for (int i = 0; i < latlng.size(); i++) {
                // GeoJSON positions are [longitude, latitude], the other way round from Strava's pairs
                ArrayNode position = coordinates.addArray().add(latlng.get(i).get(1)).add(latlng.get(i).get(0));
                if (withAltitude) {
                    position.add(altitude.get(i));
                }
            }
            out.route(coordinates);
        }
        return out;
    }

    private static Map<String, JsonNode> byType(JsonNode streams) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (streams.isArray()) {
            streams.forEach(s -> out.put(s.path("type").asText(), s.path("data")));
        } else {
            streams.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().path("data")));
        }
        return out;
    }
}
