package io.healthbridge.provider.applehealth;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.Records;

/**
 * Workouts: an export's {@code Workout} (totals as attributes on older and third-party workouts, as
 * {@code WorkoutStatistics} children on newer Watch workouts; energy also in {@code kJ}), and a companion app's
 * workout (Open Wearables {@code values}, Health Auto Export quantities). The totals become the canonical workout;
 * events, laps and routes are named as left out.
 */
final class AppleWorkouts {

    private static final String ACTIVITY = "HKWorkoutActivityType";

    private AppleWorkouts() {
    }

    static CanonicalEvent export(JsonNode r, MappingContext ctx) {
        String activity = Records.text(r, "workoutActivityType");
        OffsetDateTime start = AppleTimes.field(r, "startDate");
        OffsetDateTime end = AppleTimes.field(r, "endDate");
        EventBuilder b = AppleExport.common(DataType.WORKOUT, r, ctx, activity).interval(start, end)
                .put("sport", Records.snake(activity.startsWith(ACTIVITY) ? activity.substring(ACTIVITY.length())
                        : activity))
                .put("provider_sport", activity);
        BigDecimal duration = Records.optNumber(r, "duration");
        b.quantity("duration", duration != null
                ? AppleUnits.seconds(duration, r.path("durationUnit").asText("min"))
                : BigDecimal.valueOf(Duration.between(start, end).toSeconds()), "s");
        BigDecimal distance = Records.optNumber(r, "totalDistance");
        BigDecimal energy = Records.optNumber(r, "totalEnergyBurned");
        if (distance != null) {
            b.quantity("distance", AppleUnits.meters(distance, r.path("totalDistanceUnit").asText(null)), "m");
        }
        if (energy != null) {
            b.quantity("energy", AppleUnits.kcal(energy, r.path("totalEnergyBurnedUnit").asText(null)), "kcal");
        }
        for (JsonNode s : r.path("statistics")) {
            String type = s.path("type").asText("");
            String unit = s.path("unit").asText(null);
            if (distance == null && type.startsWith(AppleExport.HK + "Distance") && Records.has(s, "sum")) {
                distance = AppleUnits.meters(Records.number(s, "sum"), unit);
                b.quantity("distance", distance, "m");
            } else if (energy == null && type.endsWith("ActiveEnergyBurned") && Records.has(s, "sum")) {
                energy = AppleUnits.kcal(Records.number(s, "sum"), unit);
                b.quantity("energy", energy, "kcal");
            } else if (type.endsWith("HeartRate")) {
                b.put("heart_rate", heartRate(s.get("average"), s.get("minimum"), s.get("maximum"), unit));
            }
        }
        if (r.path("events").size() > 0 || r.path("routes").size() > 0) {
            b.omitted("events_route", "workout events, laps and routes are not part of the canonical workout yet");
        }
        return b.build();
    }

    /** The canonical {@code heart_rate} of a workout, each figure converted to beats per minute. */
    static ObjectNode heartRate(JsonNode avg, JsonNode min, JsonNode max, String unit) {
        ObjectNode hr = EventJson.object();
        hr.put("unit", "/min");
        putRate(hr, "avg", avg, unit);
        putRate(hr, "min", min, unit);
        putRate(hr, "max", max, unit);
        return hr.size() > 1 ? hr : null;
    }

    private static void putRate(ObjectNode hr, String field, JsonNode v, String unit) {
        if (v != null && !v.isNull() && !v.asText().isBlank()) {
            hr.put(field, AppleUnits.perMinute(Records.toNumber(v, "heart rate " + field), unit == null ? "count/min"
                    : unit).stripTrailingZeros());
        }
    }
}
