package io.healthbridge.event;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Rules every canonical event keeps whatever provider it came from, checked on publish beside the JSON schema. A
 * schema says what shape an event has; these say whether its numbers can be true: a class of mapping error is caught
 * on data nobody tested. An event that breaks one is dead-lettered with the invariant's name.
 */
public final class Invariants {

    /** Interval: {@code start <= end}. */
    public static final String INTERVAL_ORDERED = "interval_ordered";
    /** Every sample's time lies inside {@code [start, end]}. */
    public static final String SAMPLES_INSIDE = "samples_inside_interval";
    /** A sleep's {@code duration} (time asleep) equals the sum of its asleep stages (light, deep, rem, asleep). */
    public static final String SLEEP_STAGES_SUM = "sleep_duration_equals_asleep_stages";
    /** Time asleep and time in bed never exceed {@code end - start}. */
    public static final String SLEEP_INSIDE = "sleep_duration_within_session";
    /** Stage segments lie inside the session. */
    public static final String SEGMENTS_INSIDE = "sleep_segments_inside_session";
    /** Stage segments do not overlap each other. */
    public static final String SEGMENTS_DISJOINT = "sleep_segments_disjoint";
    /** A reading lies in the range a living person can show; outside it is a sentinel or a unit error. */
    public static final String PHYSIOLOGICAL_RANGE = "physiological_range";
    /** Systolic pressure above diastolic. */
    public static final String SYSTOLIC_ABOVE_DIASTOLIC = "systolic_above_diastolic";
    /** A workout's streams: a value per offset in every series and a position per offset on the route, offsets
     * rising from 0 and inside the workout, positions on the globe. */
    public static final String STREAMS_ALIGNED = "workout_streams_aligned";

    /** One broken rule and what broke it (never the value itself: dead-letter reasons reach logs). */
    public record Violation(String invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    /** A closed range in the type's canonical unit. */
    record Range(BigDecimal min, BigDecimal max) {
        static Range of(String min, String max) {
            return new Range(new BigDecimal(min), new BigDecimal(max));
        }

        boolean contains(BigDecimal v) {
            return v.compareTo(min) >= 0 && v.compareTo(max) <= 0;
        }

        @Override
        public String toString() {
            return "[" + min.toPlainString() + ", " + max.toPlainString() + "]";
        }
    }

    /**
     * Physiological ranges per type, in canonical units, wide enough for every real person and device (a newborn's
     * weight, an athlete's resting heart rate, a hypoglycaemic glucose) and narrow enough to stop sentinels (0, -1)
     * and unit mistakes (a fraction for a percentage, grams for kilograms, Fahrenheit for Celsius).
     */
    static final Map<DataType, Range> VALUE_RANGES = Map.ofEntries(
            Map.entry(DataType.HEART_RATE, Range.of("20", "300")),
            Map.entry(DataType.RESTING_HEART_RATE, Range.of("20", "200")),
            Map.entry(DataType.HEART_RATE_VARIABILITY, Range.of("0.1", "1000")),
            Map.entry(DataType.OXYGEN_SATURATION, Range.of("50", "100")),
            Map.entry(DataType.RESPIRATORY_RATE, Range.of("2", "80")),
            Map.entry(DataType.BODY_TEMPERATURE, Range.of("25", "45")),
            Map.entry(DataType.BODY_WEIGHT, Range.of("0.3", "650")),
            Map.entry(DataType.BODY_FAT, Range.of("1", "80")),
            Map.entry(DataType.BODY_HEIGHT, Range.of("0.2", "2.8")),
            Map.entry(DataType.BODY_MASS_INDEX, Range.of("5", "250")),
            Map.entry(DataType.LEAN_BODY_MASS, Range.of("0.2", "400")),
            Map.entry(DataType.FAT_MASS, Range.of("0.01", "600")),
            Map.entry(DataType.MUSCLE_MASS, Range.of("0.1", "300")),
            Map.entry(DataType.BONE_MASS, Range.of("0.01", "30")),
            Map.entry(DataType.BODY_WATER, Range.of("0.1", "400")),
            Map.entry(DataType.VO2_MAX, Range.of("5", "100")),
            Map.entry(DataType.PULSE_WAVE_VELOCITY, Range.of("1", "30")),
            Map.entry(DataType.VASCULAR_AGE, Range.of("5", "130")),
            Map.entry(DataType.DAILY_STRESS, Range.of("0", "86400")),
            Map.entry(DataType.MINDFULNESS_SESSION, Range.of("0", "86400")),
            Map.entry(DataType.NUTRITION, Range.of("0", "100000")),
            Map.entry(DataType.INSULIN_DOSE, Range.of("0", "1000")),
            Map.entry(DataType.BLOOD_GLUCOSE, Range.of("10", "1500")),
            Map.entry(DataType.STEPS, Range.of("0", "250000")),
            Map.entry(DataType.DISTANCE, Range.of("0", "2000000")),
            Map.entry(DataType.ACTIVE_ENERGY, Range.of("0", "50000")));

    /** Named quantities checked wherever they appear, in their canonical units. */
    static final Map<String, Range> FIELD_RANGES = Map.of(
            "systolic", Range.of("40", "300"),
            "diastolic", Range.of("20", "200"),
            "pulse", Range.of("20", "300"),
            "high_recovery", Range.of("0", "86400"));

    /** Heart rate summaries of a workout ({@code heart_rate.avg/min/max}). */
    static final Range WORKOUT_HEART_RATE = Range.of("20", "300");

    private static final Set<String> ASLEEP = Set.of("light", "deep", "rem", "asleep");
    /** Sleep durations are whole seconds at the providers; rounding to a minute by some of them is tolerated. */
    private static final BigDecimal SLEEP_TOLERANCE_S = new BigDecimal("60");

    private Invariants() {
    }

    /** The invariants {@code event} breaks; empty when it keeps them all. */
    public static List<Violation> check(CanonicalEvent event) {
        List<Violation> out = new ArrayList<>();
        JsonNode data = event.data();
        OffsetDateTime start = time(data.path("start"));
        OffsetDateTime end = time(data.path("end"));
        if (start != null && end != null && end.isBefore(start)) {
            out.add(new Violation(INTERVAL_ORDERED, "end " + end + " is before start " + start));
        }
        if (start != null && end != null) {
            samplesInside(data.path("samples"), start, end, out);
        }
        DataType type = event.dataType();
        if (type == DataType.SLEEP_SESSION && start != null && end != null) {
            sleep(data, start, end, out);
        }
        Range range = VALUE_RANGES.get(type);
        if (range != null) {
            inRange("value", data.path("value").path("value"), range, out);
            JsonNode samples = data.path("samples");
            for (int i = 0; i < samples.size(); i++) {
                inRange("samples[" + i + "]", samples.get(i).path("value"), range, out);
            }
        }
        for (Map.Entry<String, Range> f : FIELD_RANGES.entrySet()) {
            inRange(f.getKey(), data.path(f.getKey()).path("value"), f.getValue(), out);
        }
        JsonNode scale = data.path("scale");
        if (scale.has("min") && scale.has("max")) {
            inRange("value", data.path("value").path("value"), new Range(scale.get("min").decimalValue(),
                    scale.get("max").decimalValue()), out);
        }
        if (type == DataType.BLOOD_PRESSURE) {
            JsonNode sys = data.path("systolic").path("value");
            JsonNode dia = data.path("diastolic").path("value");
            if (sys.isNumber() && dia.isNumber() && sys.decimalValue().compareTo(dia.decimalValue()) <= 0) {
                out.add(new Violation(SYSTOLIC_ABOVE_DIASTOLIC, "systolic is not above diastolic"));
            }
        }
        if (type == DataType.WORKOUT) {
            JsonNode hr = data.path("heart_rate");
            for (String f : List.of("min", "avg", "max")) {
                inRange("heart_rate." + f, hr.path(f), WORKOUT_HEART_RATE, out);
            }
            if (data.has("streams") && !WorkoutStreams.isLink(data.get("streams")) && start != null && end != null) {
                streams(data.get("streams"), Duration.between(start, end).toSeconds(), out);
            }
        }
        return out;
    }

    private static void streams(JsonNode streams, long seconds, List<Violation> out) {
        JsonNode offsets = streams.path("offsets_s");
        int n = offsets.size();
        if (streams.path("samples").asInt() != n) {
            out.add(new Violation(STREAMS_ALIGNED, "samples says " + streams.path("samples").asInt() + ", offsets hold " + n));
        }
        double previous = 0;
        for (int i = 0; i < n; i++) {
            double t = offsets.get(i).asDouble();
            if (t < previous || t > seconds + 1) {
                out.add(new Violation(STREAMS_ALIGNED, "offset " + i + " (" + t + " s) is not between the one before it "
                        + "and the workout's end (" + seconds + " s)"));
                return;
            }
            previous = t;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = streams.path("series").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> s = it.next();
            if (s.getValue().path("values").size() != n) {
                out.add(new Violation(STREAMS_ALIGNED, "series " + s.getKey() + " has " + s.getValue().path("values").size()
                        + " values for " + n + " offsets"));
            }
        }
        JsonNode route = streams.path("route").path("coordinates");
        if (!streams.has("route")) {
            return;
        }
        if (route.size() != n) {
            out.add(new Violation(STREAMS_ALIGNED, "the route has " + route.size() + " positions for " + n + " offsets"));
        }
        for (int i = 0; i < route.size(); i++) {
            JsonNode p = route.get(i);
            if (Math.abs(p.path(0).asDouble()) > 180 || Math.abs(p.path(1).asDouble()) > 90) {
                // where a person was is not said in a reason that reaches the logs
                out.add(new Violation(STREAMS_ALIGNED, "route position " + i + " is not a [longitude, latitude]"));
                return;
            }
        }
    }

    private static void samplesInside(JsonNode samples, OffsetDateTime start, OffsetDateTime end, List<Violation> out) {
        int outside = 0;
        String first = null;
        for (JsonNode s : samples) {
            OffsetDateTime t = time(s.path("time"));
            if (t != null && (t.isBefore(start) || t.isAfter(end))) {
                outside++;
                first = first == null ? t.toString() : first;
            }
        }
        if (outside > 0) {
            out.add(new Violation(SAMPLES_INSIDE, outside + " of " + samples.size() + " samples lie outside ["
                    + start + ", " + end + "], the first at " + first));
        }
    }

    private static void sleep(JsonNode data, OffsetDateTime start, OffsetDateTime end, List<Violation> out) {
        BigDecimal window = BigDecimal.valueOf(Duration.between(start, end).toSeconds());
        BigDecimal duration = number(data.path("duration").path("value"));
        BigDecimal asleep = null;
        for (JsonNode stage : data.path("stages")) {
            if (ASLEEP.contains(stage.path("stage").asText())) {
                BigDecimal d = number(stage.path("duration").path("value"));
                if (d != null) {
                    asleep = asleep == null ? d : asleep.add(d);
                }
            }
        }
        if (duration != null && asleep != null && duration.subtract(asleep).abs().compareTo(SLEEP_TOLERANCE_S) > 0) {
            out.add(new Violation(SLEEP_STAGES_SUM, "duration " + duration.toPlainString()
                    + " s but the asleep stages add up to " + asleep.toPlainString() + " s"));
        }
        for (String field : List.of("duration", "time_in_bed")) {
            BigDecimal d = number(data.path(field).path("value"));
            if (d != null && d.compareTo(window.add(SLEEP_TOLERANCE_S)) > 0) {
                out.add(new Violation(SLEEP_INSIDE, field + " " + d.toPlainString() + " s is longer than the session's "
                        + window.toPlainString() + " s"));
            }
        }
        record Segment(String stage, OffsetDateTime from, OffsetDateTime to) {
        }
        List<Segment> segments = new ArrayList<>();
        for (JsonNode s : data.path("segments")) {
            OffsetDateTime from = time(s.path("start"));
            OffsetDateTime to = time(s.path("end"));
            if (from != null && to != null) {
                segments.add(new Segment(s.path("stage").asText(), from, to));
            }
        }
        long outside = segments.stream().filter(s -> s.from().isBefore(start) || s.to().isAfter(end)
                || s.to().isBefore(s.from())).count();
        if (outside > 0) {
            out.add(new Violation(SEGMENTS_INSIDE, outside + " of " + segments.size()
                    + " stage segments lie outside the session [" + start + ", " + end + "]"));
        }
        segments.sort(Comparator.comparing(Segment::from));
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).from().isBefore(segments.get(i - 1).to())) {
                out.add(new Violation(SEGMENTS_DISJOINT, "a " + segments.get(i).stage() + " segment from "
                        + segments.get(i).from() + " overlaps a " + segments.get(i - 1).stage() + " segment ending "
                        + segments.get(i - 1).to()));
                break;
            }
        }
    }

    private static void inRange(String what, JsonNode value, Range range, List<Violation> out) {
        BigDecimal v = number(value);
        if (v != null && !range.contains(v)) {
            out.add(new Violation(PHYSIOLOGICAL_RANGE, what + " is outside " + range));
        }
    }

    private static BigDecimal number(JsonNode n) {
        return n != null && n.isNumber() ? n.decimalValue() : null;
    }

    private static OffsetDateTime time(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
