package io.healthbridge.provider.applehealth;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.SleepStages;

/**
 * Health Auto Export's REST automation ({@code {"data": {"metrics": […], "workouts": […]}}}, contract
 * {@code apple-health.md} §5.2). Its values are the app's aggregates of a period the user chose, stamped with the
 * period's start only: each point is an event at that time, keyed by metric, source and time (not value), so a period
 * sent again with a grown total is a new version of the same event, never a second one. Points are rewritten into
 * the shape of export records; a night's sleep comes as stage totals in hours.
 */
final class HealthAutoExport {

    static final String SLEEP_SUMMARY = "HaeSleep";
    /** Metric names and the HealthKit types they aggregate. */
    static final Map<String, String> METRICS = Map.ofEntries(
            Map.entry("step_count", "StepCount"),
            Map.entry("walking_running_distance", "DistanceWalkingRunning"),
            Map.entry("cycling_distance", "DistanceCycling"),
            Map.entry("active_energy", "ActiveEnergyBurned"),
            Map.entry("basal_energy_burned", "BasalEnergyBurned"),
            Map.entry("heart_rate", "HeartRate"),
            Map.entry("resting_heart_rate", "RestingHeartRate"),
            Map.entry("heart_rate_variability", "HeartRateVariabilitySDNN"),
            Map.entry("blood_oxygen_saturation", "OxygenSaturation"),
            Map.entry("respiratory_rate", "RespiratoryRate"),
            Map.entry("body_temperature", "BodyTemperature"),
            Map.entry("weight_body_mass", "BodyMass"),
            Map.entry("body_fat_percentage", "BodyFatPercentage"),
            Map.entry("blood_glucose", "BloodGlucose"),
            Map.entry("dietary_energy", "DietaryEnergyConsumed"),
            Map.entry("protein", "DietaryProtein"),
            Map.entry("carbohydrates", "DietaryCarbohydrates"),
            Map.entry("total_fat", "DietaryFatTotal"));

    private HealthAutoExport() {
    }

    static List<JsonNode> records(JsonNode payload) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode metric : payload.path("data").path("metrics")) {
            String name = metric.path("name").asText("");
            String units = metric.path("units").asText(null);
            for (JsonNode point : metric.path("data")) {
                try {
                    out.add(point(name, units, point));
                } catch (MappingException e) {
                    out.add(OpenWearablesSync.invalid(point, e));
                }
            }
        }
        for (JsonNode w : payload.path("data").path("workouts")) {
            try {
                out.add(workout(w));
            } catch (MappingException e) {
                out.add(OpenWearablesSync.invalid(w, e));
            }
        }
        return out;
    }

    private static ObjectNode point(String name, String units, JsonNode p) {
        if (!p.isObject()) {
            throw new MappingException("a data point of " + name + " is not an object");
        }
        String date = Records.text(p, "date");
        String source = p.path("source").asText(null);
        ObjectNode r = EventJson.object();
        r.put("id", "hae:" + name + "|" + (source == null ? "" : source) + "|" + date);
        r.put("sourceName", source);
        r.put("startDate", date).put("endDate", date);
        r.put("unit", units);
        if ("sleep_analysis".equals(name)) {
            r.setAll((ObjectNode) p);
            return r.put("element", SLEEP_SUMMARY);
        }
        if ("blood_pressure".equals(name)) {
            r.put("element", "Correlation").put("type", "HKCorrelationTypeIdentifierBloodPressure");
            r.putArray("records").add(child(r, "BloodPressureSystolic", p.get("systolic")))
                    .add(child(r, "BloodPressureDiastolic", p.get("diastolic")));
            return r;
        }
        String type = METRICS.get(name);
        r.put("element", "Record").put("type", type == null ? "hae:" + name : AppleExport.HK + type);
        if ("heart_rate".equals(name) && p.has("Avg")) {
            r.set("value", p.get("Avg"));
            r.set("min", p.get("Min"));
            r.set("max", p.get("Max"));
        } else {
            r.set("value", p.get("qty"));
        }
        if ("%".equals(units) && p.path("qty").isNumber() && p.get("qty").decimalValue().compareTo(BigDecimal.ONE) > 0) {
            r.put("value", p.get("qty").decimalValue().movePointLeft(2));
            r.put(AppleExport.ESTIMATED, "Health Auto Export sent a percentage above 1: read as 0-100, not as "
                                         + "HealthKit's 0-1 fraction");
        }
        if (type != null && !"StepCount".equals(type) && !type.startsWith("Distance")
                && !"ActiveEnergyBurned".equals(type) && !type.startsWith(AppleIntake.DIETARY)) {
            return r;
        }
        return r.put(AppleExport.ESTIMATED + "Period", "an aggregate of a period the app chose, at its start");
    }

    private static ObjectNode child(ObjectNode parent, String type, JsonNode value) {
        ObjectNode c = EventJson.object();
        c.put("type", AppleExport.HK + type).put("unit", parent.path("unit").asText("mmHg")).set("value", value);
        return c;
    }

    private static ObjectNode workout(JsonNode w) {
        ObjectNode o = EventJson.object();
        o.put("element", "Workout");
        o.put("id", "hae:workout|" + w.path("id").asText(Records.text(w, "start")));
        o.put("workoutActivityType", w.path("name").asText("other"));
        o.put("startDate", Records.text(w, "start")).put("endDate", Records.text(w, "end"));
        if (w.hasNonNull("duration")) {
            o.set("duration", w.get("duration"));
            o.put("durationUnit", "s");
        }
        if (w.path("distance").isObject()) {
            o.set("totalDistance", w.get("distance").get("qty"));
            o.put("totalDistanceUnit", w.get("distance").path("units").asText(null));
        }
        if (w.path("activeEnergyBurned").isObject()) {
            o.set("totalEnergyBurned", w.get("activeEnergyBurned").get("qty"));
            o.put("totalEnergyBurnedUnit", w.get("activeEnergyBurned").path("units").asText(null));
        }
        if (w.path("route").size() > 0 || w.path("heartRateData").size() > 0) {
            o.putArray("routes").add(EventJson.object());
        }
        return o;
    }

    /**
     * A night as stage totals in hours: asleep is core (light) + deep + REM, or {@code asleep} when the app sent no
     * stages; in bed from {@code inBed}. Its interval spans the time in bed and asleep.
     */
    static CanonicalEvent sleep(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = earliest(r, "sleepStart", "inBedStart");
        OffsetDateTime end = latest(r, "sleepEnd", "inBedEnd");
        if (!start.isBefore(end)) {
            throw new MappingException("sleepStart " + start + " is not before sleepEnd " + end);
        }
        String unit = r.path("unit").asText("hr");
        SleepStages stages = new SleepStages();
        for (String[] s : new String[][] {{"core", "light"}, {"deep", "deep"}, {"rem", "rem"}, {"awake", "awake"}}) {
            BigDecimal h = Records.optNumber(r, s[0]);
            if (h != null && h.signum() > 0) {
                stages.add(s[1], AppleUnits.seconds(h, unit), "s");
            }
        }
        BigDecimal asleep = stages.asleepSeconds();
        if (asleep.signum() == 0 && Records.optNumber(r, "asleep") != null) {
            stages.add("asleep", AppleUnits.seconds(Records.number(r, "asleep"), unit), "s");
            asleep = stages.asleepSeconds();
        }
        if (asleep.signum() == 0) {
            throw new RecordSkipped("no_sleep_measured", "a night with no time asleep");
        }
        var b = AppleExport.common(DataType.SLEEP_SESSION, r, ctx, null).interval(start, end)
                .quantity("duration", asleep, "s").put("stages", stages.toJson());
        BigDecimal inBed = Records.optNumber(r, "inBed");
        if (inBed != null) {
            b.quantity("time_in_bed", AppleUnits.seconds(inBed, unit), "s");
        } else {
            b.quantity("time_in_bed", Duration.between(start, end).toSeconds(), "s")
                    .estimated("time_in_bed", "no in-bed total: sleep start to sleep end");
        }
        return b.build();
    }

    private static OffsetDateTime earliest(JsonNode r, String a, String b) {
        return pick(r, a, b, true);
    }

    private static OffsetDateTime latest(JsonNode r, String a, String b) {
        return pick(r, a, b, false);
    }

    /** The earlier (or later) of two times of which at least one is given. */
    private static OffsetDateTime pick(JsonNode r, String a, String b, boolean earlier) {
        OffsetDateTime x = r.hasNonNull(a) ? AppleTimes.field(r, a) : null;
        OffsetDateTime y = r.hasNonNull(b) ? AppleTimes.field(r, b) : null;
        if (x == null || y == null) {
            return x != null ? x : AppleTimes.field(r, b);
        }
        return x.isBefore(y) == earlier ? x : y;
    }
}
