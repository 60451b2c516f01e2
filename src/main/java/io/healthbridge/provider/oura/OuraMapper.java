package io.healthbridge.provider.oura;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;
import io.healthbridge.provider.SleepStages;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.offsetTime;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/** Oura API v2 usercollection documents ({@code {"data": [...], "next_token"}}) into canonical events. */
public class OuraMapper implements ProviderMapper {

    public static final String PROVIDER = "oura";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("heartrate", "sleep", "daily_activity", "daily_spo2", "workout", "daily_readiness", "daily_sleep",
                "vo2_max", "daily_cardiovascular_age", "daily_stress", "daily_resilience", "session");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return Records.arrayOrField(payload, "data");
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        return switch (dataset) {
            case "heartrate" -> List.of(heartRate(r, ctx));
            case "sleep" -> sleep(r, ctx);
            case "daily_activity" -> List.of(dailyActivity(r, ctx));
            case "daily_spo2" -> spo2(r, ctx);
            case "workout" -> List.of(workout(r, ctx));
            case "daily_readiness" -> readiness(r, ctx);
            case "daily_sleep" -> List.of(score(DataType.SLEEP_SCORE, "Oura sleep score", r, ctx).build());
            case "vo2_max" -> List.of(vo2Max(r, ctx));
            case "daily_cardiovascular_age" -> cardiovascularAge(r, ctx);
            case "daily_stress" -> List.of(OuraWellbeing.stress(r, ctx));
            case "daily_resilience" -> List.of(OuraWellbeing.resilience(r, ctx));
            case "session" -> List.of(OuraWellbeing.session(r, ctx));
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    private CanonicalEvent heartRate(JsonNode r, MappingContext ctx) {
        OffsetDateTime time = offsetTime(r, "timestamp");
        EventBuilder b = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).put("unit", "/min")
                .put("context", optText(r, "source"));
        new Samples().add(time, b.convert(number(r, "bpm"), "/min")).applyTo(b);
        return b.build();
    }

    private List<CanonicalEvent> sleep(JsonNode r, MappingContext ctx) {
        if ("deleted".equals(optText(r, "type"))) {
            throw new RecordSkipped("sleep_period_deleted", "Oura marks this sleep period deleted (type 'deleted')");
        }
        String id = text(r, "id");
        OffsetDateTime start = offsetTime(r, "bedtime_start");
        OffsetDateTime end = offsetTime(r, "bedtime_end");
        List<CanonicalEvent> events = new ArrayList<>();

        SleepStages stageDurations = new SleepStages()
                .add("deep", optNumber(r, "deep_sleep_duration"), "s")
                .add("light", optNumber(r, "light_sleep_duration"), "s")
                .add("rem", optNumber(r, "rem_sleep_duration"), "s")
                .add("awake", optNumber(r, "awake_time"), "s");
        ArrayNode stages = stageDurations.toJson();
        // total_sleep_duration (deep + light + REM) is null for a period Oura did not score as sleep
        BigDecimal asleep = optNumber(r, "total_sleep_duration");
        asleep = asleep != null ? asleep : stageDurations.asleepSeconds();
        if (asleep == null || asleep.signum() <= 0) {
            throw new RecordSkipped("no_sleep_measured", "Oura sleep period with no time asleep (type "
                                                         + optText(r, "type") + ")");
        }
        EventBuilder sleep = EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(r).sourceRecordId(id)
                .interval(start, end)
                .quantity("duration", asleep, "s")
                .quantity("time_in_bed", optNumber(r, "time_in_bed"), "s")
                .quantity("latency", optNumber(r, "latency"), "s")
                .quantity("efficiency", optNumber(r, "efficiency"), "%")
                .put("stages", stages)
                .put("nap", has(r, "type") ? !"long_sleep".equals(optText(r, "type")) : null)
                .put("segments", segments(optText(r, "sleep_phase_5_min"), start, end));
        events.add(sleep.build());

        BigDecimal hrv = optNumber(r, "average_hrv");
        if (hrv != null) {
            EventBuilder b = EventBuilder.of(DataType.HEART_RATE_VARIABILITY, ctx).raw(r).sourceRecordId(id)
                    .interval(start, end).put("method", "rmssd").value(hrv, "ms");
            Samples s = series(r.get("hrv"), b, "ms");
            if (!s.isEmpty()) {
                b.samples(s.toJson());
            }
            events.add(b.build());
        }
        BigDecimal breath = optNumber(r, "average_breath");
        if (breath != null) {
            events.add(EventBuilder.of(DataType.RESPIRATORY_RATE, ctx).raw(r).sourceRecordId(id)
                    .interval(start, end).value(breath, "/min").build());
        }
        EventBuilder hr = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).sourceRecordId(id).put("unit", "/min")
                .put("context", "sleep");
        Samples hrSamples = series(r.get("heart_rate"), hr, "/min");
        if (!hrSamples.isEmpty()) {
            events.add(hrSamples.applyTo(hr).build());
        }
        return events;
    }

    /** Oura's 5-minute hypnogram: 1 deep, 2 light, 3 REM, 4 awake, one character per 5 minutes from bedtime start. */
    private static ArrayNode segments(String phases, OffsetDateTime start, OffsetDateTime end) {
        if (phases == null || phases.isEmpty() || !phases.chars().allMatch(c -> c >= '1' && c <= '4')) {
            return null;
        }
        SleepStages.Segments out = new SleepStages.Segments();
        int i = 0;
        while (i < phases.length()) {
            int j = i;
            while (j < phases.length() && phases.charAt(j) == phases.charAt(i)) {
                j++;
            }
            OffsetDateTime from = start.plusMinutes(5L * i);
            OffsetDateTime to = start.plusMinutes(5L * j);
            if (to.isAfter(end)) {
                to = end;
            }
            if (!from.isBefore(end)) {
                break; // a hypnogram longer than the period: nothing of it lies inside
            }
            out.add(switch (phases.charAt(i)) {
                case '1' -> "deep";
                case '2' -> "light";
                case '3' -> "rem";
                default -> "awake";
            }, from, to);
            i = j;
        }
        return out.toJson();
    }

    /** Oura's {@code {interval, items, timestamp}} series; null items are gaps. */
    private static Samples series(JsonNode series, EventBuilder b, String unit) {
        Samples s = new Samples();
        if (series == null || !series.isObject() || !has(series, "timestamp") || !has(series, "items")) {
            return s;
        }
        OffsetDateTime t0 = offsetTime(series, "timestamp");
        long interval = Records.longValue(series, "interval");
        int i = 0;
        for (JsonNode item : series.get("items")) {
            if (!item.isNull()) {
                s.add(t0.plusSeconds(interval * i), b.convert(Records.toNumber(item, "sample"), unit));
            }
            i++;
        }
        return s;
    }

    private CanonicalEvent dailyActivity(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = offsetTime(r, "timestamp");
        String day = Records.date(text(r, "day"), "field 'day'").toString();
        BigDecimal active = Records.sum(optNumber(r, "high_activity_time"), optNumber(r, "medium_activity_time"),
                optNumber(r, "low_activity_time"));
        return EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, start.plusDays(1))
                .put("date", day)
                .quantity("steps", optNumber(r, "steps"), "{steps}")
                .quantity("distance", optNumber(r, "equivalent_walking_distance"), "m")
                .quantity("active_energy", optNumber(r, "active_calories"), "kcal")
                .quantity("total_energy", optNumber(r, "total_calories"), "kcal")
                .quantity("active_duration", active, "s")
                .build();
    }

    private List<CanonicalEvent> spo2(JsonNode r, MappingContext ctx) {
        JsonNode pct = r.path("spo2_percentage");
        if (!has(pct, "average")) {
            throw new RecordSkipped("no_spo2_measured", "Oura measured no SpO2 average that day");
        }
        OffsetDateTime start = Records.date(text(r, "day"), "field 'day'").atStartOfDay(ctx.zone()).toOffsetDateTime();
        return List.of(EventBuilder.of(DataType.OXYGEN_SATURATION, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, start.plusDays(1)).value(number(pct, "average"), "%").build());
    }

    /** The day's readiness score and, measured the night before, the skin temperature's deviation from baseline. */
    private List<CanonicalEvent> readiness(JsonNode r, MappingContext ctx) {
        List<CanonicalEvent> out = new ArrayList<>();
        if (has(r, "score")) {
            out.add(score(DataType.READINESS_SCORE, "Oura readiness score", r, ctx).build());
        }
        if (has(r, "temperature_deviation")) {
            OffsetDateTime start = day(r, ctx);
            out.add(EventBuilder.of(DataType.BODY_TEMPERATURE_DEVIATION, ctx).raw(r).sourceRecordId(optText(r, "id"))
                    .interval(start, start.plusDays(1)).value(number(r, "temperature_deviation"), "Cel")
                    .quantity("trend", optNumber(r, "temperature_trend_deviation"), "Cel", "Cel")
                    .put("provider_name", "Oura temperature deviation").build());
        }
        if (out.isEmpty()) {
            throw new RecordSkipped("no_score", "Oura daily_readiness without a score or a temperature deviation "
                                                + "(not enough data that day)");
        }
        return out;
    }

    /** Oura's VO2 max estimate of a day, in mL/kg/min (Oura computes one only now and then, not every day). */
    private CanonicalEvent vo2Max(JsonNode r, MappingContext ctx) {
        if (!has(r, "vo2_max")) {
            throw new RecordSkipped("no_vo2_max", "Oura vO2_max document without a value");
        }
        OffsetDateTime start = day(r, ctx);
        return EventBuilder.of(DataType.VO2_MAX, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, start.plusDays(1)).value(number(r, "vo2_max"), "mL/(kg.min)").build();
    }

    /**
     * The day's vascular age prediction (18-100 years) and the pulse wave velocity Oura derives from it: derived,
     * not measured, so marked estimated.
     */
    private List<CanonicalEvent> cardiovascularAge(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = day(r, ctx);
        List<CanonicalEvent> out = new ArrayList<>();
        if (has(r, "vascular_age")) {
            out.add(EventBuilder.of(DataType.VASCULAR_AGE, ctx).raw(r).sourceRecordId(optText(r, "id"))
                    .interval(start, start.plusDays(1)).value(number(r, "vascular_age"), "a")
                    .put("provider_name", "Oura cardiovascular age").build());
        }
        if (has(r, "pulse_wave_velocity")) {
            out.add(EventBuilder.of(DataType.PULSE_WAVE_VELOCITY, ctx).raw(r).sourceRecordId(optText(r, "id"))
                    .interval(start, start.plusDays(1)).value(number(r, "pulse_wave_velocity"), "m/s")
                    .estimated("value", "Oura derives it from its vascular age prediction (with a possible offset); "
                                        + "it is not measured").build());
        }
        if (out.isEmpty()) {
            throw new RecordSkipped("no_estimate", "Oura daily_cardiovascular_age without a vascular age or a pulse "
                                                   + "wave velocity (not enough data that day)");
        }
        return out;
    }

    /** A score of a day (0-100 at Oura), with Oura's contributors; null when Oura had too little data. */
    private static EventBuilder score(DataType type, String name, JsonNode r, MappingContext ctx) {
        if (!has(r, "score")) {
            throw new RecordSkipped("no_score", name + " is null (not enough data that day)");
        }
        OffsetDateTime start = day(r, ctx);
        ObjectNode contributors = EventJson.object();
        r.path("contributors").fields().forEachRemaining(c -> {
            if (c.getValue().isNumber() || c.getValue().isNull()) {
                contributors.set(c.getKey(), c.getValue());
            }
        });
        EventBuilder b = EventBuilder.of(type, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, start.plusDays(1)).value(number(r, "score"), "{score}")
                .put("provider_name", name);
        b.put("scale", EventJson.object().put("min", 0).put("max", 100));
        return contributors.isEmpty() ? b : b.put("contributors", contributors);
    }

    private static OffsetDateTime day(JsonNode r, MappingContext ctx) {
        return Records.date(text(r, "day"), "field 'day'").atStartOfDay(ctx.zone()).toOffsetDateTime();
    }

    private CanonicalEvent workout(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = offsetTime(r, "start_datetime");
        OffsetDateTime end = offsetTime(r, "end_datetime");
        String activity = text(r, "activity");
        return EventBuilder.of(DataType.WORKOUT, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, end)
                .put("sport", Records.snake(activity)).put("provider_sport", activity)
                .quantity("duration", Duration.between(start, end).toSeconds(), "s")
                .quantity("distance", optNumber(r, "distance"), "m")
                .quantity("energy", optNumber(r, "calories"), "kcal")
                .put("name", optText(r, "label"))
                .build();
    }
}
