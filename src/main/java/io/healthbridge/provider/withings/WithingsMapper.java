package io.healthbridge.provider.withings;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;
import io.healthbridge.provider.SleepStages;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.longValue;
import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/**
 * Withings Public API responses ({@code {"status":0,"body":{…}}}) into canonical events: measure getmeas,
 * getactivity, getintradayactivity, getworkouts, sleep getsummary and sleep get ({@link WithingsSleepSeries}).
 */
public class WithingsMapper implements ProviderMapper {

    public static final String PROVIDER = "withings";

    /** getmeas {@code meastype} codes read on their own (the blood pressure ones are read together). */
    static final int DIASTOLIC = 9;
    static final int SYSTOLIC = 10;
    static final int HEART_PULSE = 11;

    /** A measure type that is one reading of one canonical type, and the unit Withings gives it in. */
    record Point(DataType type, String unit) {
    }

    /**
     * getmeas {@code meastype} codes of single readings, with their units as Withings documents them (value x
     * 10^unit): weight, height, fat-free mass, fat ratio, fat mass, SpO2, body temperature, muscle, hydration, bone,
     * pulse wave velocity (m/s), VO2 max (ml/min/kg) and vascular age (155, Withings' estimate, in years).
     */
    static final Map<Integer, Point> POINTS = Map.ofEntries(
            Map.entry(1, new Point(DataType.BODY_WEIGHT, "kg")), Map.entry(4, new Point(DataType.BODY_HEIGHT, "m")),
            Map.entry(5, new Point(DataType.LEAN_BODY_MASS, "kg")), Map.entry(6, new Point(DataType.BODY_FAT, "%")),
            Map.entry(8, new Point(DataType.FAT_MASS, "kg")), Map.entry(54, new Point(DataType.OXYGEN_SATURATION, "%")),
            Map.entry(71, new Point(DataType.BODY_TEMPERATURE, "Cel")),
            Map.entry(76, new Point(DataType.MUSCLE_MASS, "kg")), Map.entry(77, new Point(DataType.BODY_WATER, "kg")),
            Map.entry(88, new Point(DataType.BONE_MASS, "kg")),
            Map.entry(91, new Point(DataType.PULSE_WAVE_VELOCITY, "m/s")),
            Map.entry(123, new Point(DataType.VO2_MAX, "mL/(kg.min)")),
            Map.entry(155, new Point(DataType.VASCULAR_AGE, "a")));

    /** The measure types a group's events are made of, and the ones a poll asks for; the others are named as omitted. */
    static final Set<Integer> MAPPED_MEASURES = Stream.concat(POINTS.keySet().stream(),
            Stream.of(DIASTOLIC, SYSTOLIC, HEART_PULSE)).collect(Collectors.toUnmodifiableSet());

    /** getworkouts category codes (Withings "workout category" table), the common ones. */
    static final Map<Integer, String> SPORTS = Map.ofEntries(Map.entry(1, "walking"), Map.entry(2, "running"),
            Map.entry(3, "hiking"), Map.entry(4, "skating"), Map.entry(5, "bmx"), Map.entry(6, "cycling"),
            Map.entry(7, "swimming"), Map.entry(8, "surfing"), Map.entry(9, "kitesurfing"), Map.entry(10, "windsurfing"),
            Map.entry(11, "bodyboard"), Map.entry(12, "tennis"), Map.entry(13, "table_tennis"), Map.entry(14, "squash"),
            Map.entry(15, "badminton"), Map.entry(16, "weights"), Map.entry(17, "calisthenics"),
            Map.entry(18, "elliptical"), Map.entry(19, "pilates"), Map.entry(20, "basketball"),
            Map.entry(21, "soccer"), Map.entry(22, "football"), Map.entry(23, "rugby"), Map.entry(24, "volleyball"),
            Map.entry(25, "waterpolo"), Map.entry(26, "horse_riding"), Map.entry(27, "golf"), Map.entry(28, "yoga"),
            Map.entry(29, "dancing"), Map.entry(30, "boxing"), Map.entry(31, "fencing"), Map.entry(32, "wrestling"),
            Map.entry(33, "martial_arts"), Map.entry(34, "skiing"), Map.entry(35, "snowboarding"),
            Map.entry(36, "other"), Map.entry(128, "no_activity"), Map.entry(187, "rowing"), Map.entry(188, "zumba"),
            Map.entry(191, "baseball"), Map.entry(192, "handball"), Map.entry(193, "hockey"),
            Map.entry(194, "ice_hockey"), Map.entry(195, "climbing"), Map.entry(196, "ice_skating"),
            Map.entry(272, "multi_sport"), Map.entry(306, "indoor_walking"), Map.entry(307, "indoor_running"),
            Map.entry(308, "indoor_cycling"));

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("getmeas", "getactivity", "getintradayactivity", "getworkouts", "sleep_summary", "sleep_get");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        int status = payload.path("status").asInt(-1);
        if (status != 0) {
            throw new MappingException("Withings answered status " + payload.path("status") + ": "
                                       + payload.path("error").asText(""));
        }
        JsonNode body = payload.path("body");
        return switch (dataset) {
            case "getmeas" -> withZone(Records.array(body, "measuregrps"), body);
            case "getactivity" -> Records.array(body, "activities");
            case "getintradayactivity" -> intradayRecords(body);
            case "getworkouts", "sleep_summary", "sleep_get" -> Records.array(body, "series");
            default -> List.of();
        };
    }

    /** getmeas groups inherit the response's time zone. */
    private static List<JsonNode> withZone(List<JsonNode> groups, JsonNode body) {
        String zone = optText(body, "timezone");
        if (zone != null) {
            groups.forEach(g -> {
                if (g.isObject() && !g.has("timezone")) {
                    ((ObjectNode) g).put("timezone", zone);
                }
            });
        }
        return groups;
    }

    /** getintradayactivity's {@code series} is an object keyed by unix time; each entry becomes a record. */
    private static List<JsonNode> intradayRecords(JsonNode body) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode series = body.path("series");
        if (series.isArray() && !series.isEmpty()) {
            // a list of readings each with its own timestamp is another endpoint's answer (Heart v2 list, ECG)
            throw new MappingException("getintradayactivity 'series' is a list, not an object keyed by unix time: "
                                       + "not an intraday activity response");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = series.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode r = e.getValue().isObject() ? ((ObjectNode) e.getValue()).deepCopy()
                    : EventJson.object();
            r.put("timestamp", e.getKey());
            out.add(r);
        }
        return out;
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        return switch (dataset) {
            case "getmeas" -> measureGroup(r, ctx);
            case "getactivity" -> List.of(activity(r, ctx));
            case "getintradayactivity" -> intraday(r, ctx);
            case "getworkouts" -> List.of(workout(r, ctx));
            case "sleep_summary" -> sleep(r, ctx);
            case "sleep_get" -> WithingsSleepSeries.map(r, ctx);
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    private List<CanonicalEvent> measureGroup(JsonNode g, MappingContext ctx) {
        if (g.path("category").asInt(1) == 2) {
            throw new RecordSkipped("user_goal", "Withings measure group of category 2: a goal, not a measurement");
        }
        String grpid = text(g, "grpid");
        OffsetDateTime time = Records.epochSeconds(longValue(g, "date"), optText(g, "timezone"), ctx.zone());
        Device device = has(g, "model") ? new Device(optText(g, "model"), optText(g, "model"), null, "Withings") : null;
        BigDecimal systolic = null;
        BigDecimal diastolic = null;
        BigDecimal pulse = null;
        List<CanonicalEvent> events = new ArrayList<>();
        for (JsonNode m : Records.array(g, "measures")) {
            int type = m.path("type").asInt(-1);
            BigDecimal value = number(m, "value").scaleByPowerOfTen((int) longValue(m, "unit"));
            String record = grpid + ":" + type;
            Point point = POINTS.get(type);
            switch (type) {
                case SYSTOLIC -> systolic = value;
                case DIASTOLIC -> diastolic = value;
                case HEART_PULSE -> pulse = value;
                default -> {
                    // the others (visceral fat, BMR, metabolic age, …) are named in provenance.omitted
                    if (point != null) {
                        events.add(point(point.type(), ctx, g, record, time, device).value(value, point.unit())
                                .put("provider_name", point.type() == DataType.VASCULAR_AGE ? "Withings vascular age"
                                        : null).build());
                    }
                }
            }
        }
        if (systolic != null && diastolic != null) {
            events.add(point(DataType.BLOOD_PRESSURE, ctx, g, grpid + ":bp", time, device)
                    .quantity("systolic", systolic, "mm[Hg]").quantity("diastolic", diastolic, "mm[Hg]")
                    .quantity("pulse", pulse, "/min").build());
        } else if (pulse != null) {
            EventBuilder hr = point(DataType.HEART_RATE, ctx, g, grpid + ":" + HEART_PULSE, time, device).put("unit", "/min");
            events.add(new Samples().add(time, pulse).applyTo(hr).build());
        }
        return events;
    }

    /**
     * An event of a measure group; the group's measures of types with no canonical place (visceral fat 170, BMR 226,
     * metabolic age 227, …) are named in its {@code provenance.omitted}, so they are accounted for.
     */
    private static EventBuilder point(DataType type, MappingContext ctx, JsonNode raw, String record, OffsetDateTime time,
            Device device) {
        EventBuilder b = EventBuilder.of(type, ctx).raw(raw).sourceRecordId(record).at(time).device(device);
        for (JsonNode m : Records.array(raw, "measures")) {
            int t = m.path("type").asInt(-1);
            if (!MAPPED_MEASURES.contains(t)) {
                b.omitted("measures[type=" + t + "]", "Withings measure type " + t + " has no canonical type yet");
            }
        }
        return b;
    }

    private CanonicalEvent activity(JsonNode r, MappingContext ctx) {
        ZoneId zone = Records.zone(optText(r, "timezone"), ctx.zone());
        var day = Records.date(text(r, "date"), "field 'date'");
        OffsetDateTime start = day.atStartOfDay(zone).toOffsetDateTime();
        BigDecimal active = Records.sum(optNumber(r, "soft"), optNumber(r, "moderate"), optNumber(r, "intense"));
        return EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(day.toString())
                .interval(start, day.plusDays(1).atStartOfDay(zone).toOffsetDateTime())
                .device(has(r, "model") ? new Device(optText(r, "model"), optText(r, "model"), null, "Withings") : null)
                .put("date", day.toString())
                .quantity("steps", optNumber(r, "steps"), "{steps}")
                .quantity("distance", optNumber(r, "distance"), "m")
                .quantity("active_energy", optNumber(r, "calories"), "kcal")
                .quantity("total_energy", optNumber(r, "totalcalories"), "kcal")
                .quantity("active_duration", active, "s")
                .build();
    }

    private List<CanonicalEvent> intraday(JsonNode r, MappingContext ctx) {
        String ts = text(r, "timestamp");
        long seconds;
        try {
            seconds = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            throw new MappingException("intraday series key is not a unix time: '" + ts + "'");
        }
        OffsetDateTime time = Records.epochSeconds(seconds, null, ctx.zone());
        Device device = has(r, "model") ? new Device(optText(r, "model"), optText(r, "model"), null, "Withings") : null;
        List<CanonicalEvent> events = new ArrayList<>();
        BigDecimal hr = optNumber(r, "heart_rate");
        if (hr != null && hr.signum() > 0) {
            EventBuilder b = point(DataType.HEART_RATE, ctx, r, ts, time, device).put("unit", "/min");
            events.add(new Samples().add(time, hr).applyTo(b).build());
        }
        BigDecimal steps = optNumber(r, "steps");
        BigDecimal duration = optNumber(r, "duration");
        if (steps != null && steps.signum() > 0) {
            OffsetDateTime end = duration == null ? time : time.plusSeconds(duration.longValue());
            events.add(EventBuilder.of(DataType.STEPS, ctx).raw(r).sourceRecordId(ts).interval(time, end)
                    .device(device).value(steps, "{steps}").build());
        }
        BigDecimal spo2 = optNumber(r, "spo2_auto");
        if (spo2 != null && spo2.signum() > 0) {
            events.add(point(DataType.OXYGEN_SATURATION, ctx, r, ts, time, device).value(spo2, "%").build());
        }
        return events;
    }

    private CanonicalEvent workout(JsonNode r, MappingContext ctx) {
        String zone = optText(r, "timezone");
        OffsetDateTime start = Records.epochSeconds(longValue(r, "startdate"), zone, ctx.zone());
        OffsetDateTime end = Records.epochSeconds(longValue(r, "enddate"), zone, ctx.zone());
        int category = r.path("category").asInt(36);
        JsonNode d = r.path("data");
        EventBuilder b = EventBuilder.of(DataType.WORKOUT, ctx).raw(r).sourceRecordId(text(r, "id"))
                .interval(start, end)
                .put("sport", SPORTS.getOrDefault(category, "other")).put("provider_sport", String.valueOf(category))
                .quantity("duration", Duration.between(start, end).toSeconds(), "s")
                .quantity("distance", optNumber(d, "distance"), "m")
                .quantity("energy", positive(optNumber(d, "calories")), "kcal"); // 0: no estimate
        heartRateSummary(b, optNumber(d, "hr_average"), optNumber(d, "hr_max"), optNumber(d, "hr_min"));
        return b.build();
    }

    private static BigDecimal positive(BigDecimal v) {
        return v == null || v.signum() <= 0 ? null : v;
    }

    /** Adds {@code heart_rate: {unit, avg, max, min}} when the provider gave at least one non-zero figure. */
    public static void heartRateSummary(EventBuilder b, BigDecimal avg, BigDecimal max, BigDecimal min) {
        ObjectNode hr = EventJson.object();
        hr.put("unit", "/min");
        if (avg != null && avg.signum() > 0) {
            hr.put("avg", avg);
        }
        if (max != null && max.signum() > 0) {
            hr.put("max", max);
        }
        if (min != null && min.signum() > 0) {
            hr.put("min", min);
        }
        if (hr.size() > 1) {
            b.put("heart_rate", hr);
        }
    }

    private List<CanonicalEvent> sleep(JsonNode r, MappingContext ctx) {
        String zone = optText(r, "timezone");
        OffsetDateTime start = Records.epochSeconds(longValue(r, "startdate"), zone, ctx.zone());
        OffsetDateTime end = Records.epochSeconds(longValue(r, "enddate"), zone, ctx.zone());
        String id = text(r, "id");
        JsonNode d = r.path("data");
        SleepStages stages = new SleepStages()
                .add("light", optNumber(d, "lightsleepduration"), "s")
                .add("deep", optNumber(d, "deepsleepduration"), "s")
                .add("rem", optNumber(d, "remsleepduration"), "s")
                .add("awake", optNumber(d, "wakeupduration"), "s");
        // total_sleep_time is the sum of the light, deep and REM durations (the invariant checks that it is)
        BigDecimal asleep = optNumber(d, "total_sleep_time");
        asleep = asleep != null ? asleep : stages.asleepSeconds();
        if (asleep == null || asleep.signum() <= 0) {
            throw new RecordSkipped("no_sleep_measured", "Withings sleep summary with no time asleep");
        }
        BigDecimal efficiency = positive(optNumber(d, "sleep_efficiency")); // a ratio 0..1; 0 is "not computed"
        List<CanonicalEvent> events = new ArrayList<>();
        events.add(EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .quantity("duration", asleep, "s")
                .quantity("time_in_bed", positive(optNumber(d, "total_timeinbed")), "s")
                .quantity("latency", optNumber(d, "sleep_latency"), "s")
                .quantity("efficiency", efficiency == null ? null : efficiency.movePointRight(2), "%")
                .put("awakenings", optNumber(d, "wakeupcount"))
                .put("score", positive(optNumber(d, "sleep_score"))) // 0 when Withings computed no score
                .put("stages", stages.toJson())
                .build());
        BigDecimal rr = optNumber(d, "rr_average");
        if (rr != null && rr.signum() > 0) {
            events.add(EventBuilder.of(DataType.RESPIRATORY_RATE, ctx).raw(r).sourceRecordId(id).interval(start, end)
                    .value(rr, "/min").build());
        }
        return events;
    }
}
