package io.healthbridge.provider.polar;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.WorkoutStreams;

/**
 * An exercise's {@code route} (asked with {@code route=true}) as the workout's streams: each point's {@code time} is
 * an ISO-8601 duration from the exercise's start, its {@code latitude} and {@code longitude} degrees (Polar AccessLink
 * {@code location}). The samples are not read: the AccessLink specification names a {@code sample-type} for each
 * series without saying which type is which quantity or unit.
 */
final class PolarRoute {

    private PolarRoute() {
    }

    /**
     * The route as streams, or null with {@code why} filled when it cannot be placed: a point without a time or a
     * position, times out of order or past the exercise's end, or a position off the globe. The exercise itself is
     * published either way; where a person was is never put into the reason.
     */
    static WorkoutStreams of(JsonNode route, long durationSeconds, StringBuilder why) {
        ArrayNode offsets = EventJson.MAPPER.createArrayNode();
        ArrayNode coordinates = EventJson.MAPPER.createArrayNode();
        BigDecimal previous = BigDecimal.ZERO;
        BigDecimal end = BigDecimal.valueOf(durationSeconds + 1);
        for (JsonNode p : route) {
            BigDecimal offset = offset(p.path("time").asText(null));
            JsonNode lat = p.get("latitude");
            JsonNode lon = p.get("longitude");
            if (offset == null || lat == null || !lat.isNumber() || lon == null || !lon.isNumber()) {
                why.append("a route point without a time (ISO-8601 duration) or a numeric position");
                return null;
            }
            if (offset.compareTo(previous) < 0 || offset.compareTo(end) > 0) {
                why.append("route times are not in order inside the exercise's duration");
                return null;
            }
            if (Math.abs(lat.asDouble()) > 90 || Math.abs(lon.asDouble()) > 180) {
                why.append("a route position is outside latitude -90..90 or longitude -180..180");
                return null;
            }
            previous = offset;
            offsets.add(offset);
            // GeoJSON positions are [longitude, latitude]
            coordinates.addArray().add(lon.decimalValue()).add(lat.decimalValue());
        }
        return new WorkoutStreams(offsets).route(coordinates);
    }

    private static BigDecimal offset(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            Duration d = Duration.parse(iso);
            return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
