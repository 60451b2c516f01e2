package io.healthbridge.provider.whoop;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.healthbridge.provider.withings.WithingsMapper;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/**
 * WHOOP API v2 collections ({@code {"records": [...], "next_token"}}) into canonical events: workouts, sleeps,
 * recoveries, cycles and body measurement. Unscored records carry no figures yet and publish nothing.
 */
public class WhoopMapper implements ProviderMapper {

    public static final String PROVIDER = "whoop";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("workout", "sleep", "recovery", "cycle", "body_measurement", "heart_rate");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return switch (dataset) {
            case "body_measurement", "heart_rate" -> List.of(payload);
            default -> Records.arrayOrField(payload, "records");
        };
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        if (has(r, "score_state") && !"SCORED".equals(optText(r, "score_state"))) {
            // PENDING_SCORE comes back scored later; UNSCORABLE never carries a score
            throw new RecordSkipped("not_scored", "WHOOP score_state is " + optText(r, "score_state"));
        }
        return switch (dataset) {
            case "workout" -> List.of(workout(r, ctx));
            case "sleep" -> sleep(r, ctx);
            case "recovery" -> recovery(r, ctx);
            case "cycle" -> List.of(cycle(r, ctx));
            case "body_measurement" -> body(r, ctx);
            case "heart_rate" -> List.of(heartRate(r, ctx));
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    private static ZoneOffset offset(JsonNode r) {
        return has(r, "timezone_offset") ? Records.offset(text(r, "timezone_offset"), "field 'timezone_offset'") : ZoneOffset.UTC;
    }

    private CanonicalEvent workout(JsonNode r, MappingContext ctx) {
        ZoneOffset offset = offset(r);
        OffsetDateTime start = Records.utcAt(r, "start", offset);
        OffsetDateTime end = Records.utcAt(r, "end", offset);
        JsonNode s = Records.field(r, "score");
        String sport = text(r, "sport_name");
        EventBuilder b = EventBuilder.of(DataType.WORKOUT, ctx).raw(r).sourceRecordId(text(r, "id"))
                .interval(start, end)
                .put("sport", Records.snake(sport)).put("provider_sport", sport)
                .quantity("duration", Duration.between(start, end).toSeconds(), "s")
                .quantity("distance", optNumber(s, "distance_meter"), "m")
                .quantity("energy", optNumber(s, "kilojoule"), "kJ");
        WithingsMapper.heartRateSummary(b, optNumber(s, "average_heart_rate"), optNumber(s, "max_heart_rate"), null);
        return b.build();
    }

    private List<CanonicalEvent> sleep(JsonNode r, MappingContext ctx) {
        ZoneOffset offset = offset(r);
        OffsetDateTime start = Records.utcAt(r, "start", offset);
        OffsetDateTime end = Records.utcAt(r, "end", offset);
        String id = text(r, "id");
        JsonNode score = Records.field(r, "score");
        JsonNode st = Records.field(score, "stage_summary");
        SleepStages stages = new SleepStages()
                .add("light", optNumber(st, "total_light_sleep_time_milli"), "ms")
                .add("deep", optNumber(st, "total_slow_wave_sleep_time_milli"), "ms")
                .add("rem", optNumber(st, "total_rem_sleep_time_milli"), "ms")
                .add("awake", optNumber(st, "total_awake_time_milli"), "ms")
                .add("unknown", optNumber(st, "total_no_data_time_milli"), "ms");
        List<CanonicalEvent> events = new ArrayList<>();
        events.add(EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .quantity("duration", stages.asleepSeconds(), "s")
                .quantity("time_in_bed", optNumber(st, "total_in_bed_time_milli"), "ms")
                .quantity("efficiency", optNumber(score, "sleep_efficiency_percentage"), "%")
                .put("awakenings", optNumber(st, "disturbance_count"))
                .put("nap", r.path("nap").isBoolean() ? r.get("nap").asBoolean() : null)
                .put("score", optNumber(score, "sleep_performance_percentage"))
                .put("stages", stages.toJson())
                .build());
        BigDecimal rr = optNumber(score, "respiratory_rate");
        if (rr != null) {
            events.add(EventBuilder.of(DataType.RESPIRATORY_RATE, ctx).raw(r).sourceRecordId(id).interval(start, end)
                    .value(rr, "/min").build());
        }
        return events;
    }

    /**
     * A recovery is scored when the sleep it belongs to ends; WHOOP gives no measurement time, so created_at. Its
     * skin temperature is the wrist's skin, not a body temperature: no canonical type, named as omitted.
     */
    private List<CanonicalEvent> recovery(JsonNode r, MappingContext ctx) {
        OffsetDateTime time = Records.offsetTime(r, "created_at");
        String id = text(r, "sleep_id");
        JsonNode s = Records.field(r, "score");
        boolean skin = has(s, "skin_temp_celsius");
        Function<DataType, EventBuilder> of = type -> {
            EventBuilder b = EventBuilder.of(type, ctx).raw(r).sourceRecordId(id).at(time).estimated("start",
                    "WHOOP recovery has no measurement time: the time it was scored (created_at)");
            return skin ? b.omitted("score.skin_temp_celsius", "the wrist's skin temperature is not a body "
                                                               + "temperature: no canonical type") : b;
        };
        List<CanonicalEvent> events = new ArrayList<>();
        events.add(of.apply(DataType.HEART_RATE_VARIABILITY).put("method", "rmssd")
                .value(number(s, "hrv_rmssd_milli"), "ms").build());
        BigDecimal resting = optNumber(s, "resting_heart_rate");
        if (resting != null) {
            events.add(of.apply(DataType.RESTING_HEART_RATE).value(resting, "/min").build());
        }
        BigDecimal spo2 = optNumber(s, "spo2_percentage");
        if (spo2 != null) {
            events.add(of.apply(DataType.OXYGEN_SATURATION).value(spo2, "%").build());
        }
        BigDecimal score = optNumber(s, "recovery_score");
        if (score != null) {
            // WHOOP's recovery, a percentage 0-100 of its own making: a readiness score on WHOOP's scale
            EventBuilder b = of.apply(DataType.READINESS_SCORE).value(score, "{score}")
                    .put("provider_name", "WHOOP recovery score")
                    .put("scale", EventJson.object().put("min", 0).put("max", 100));
            if (s.path("user_calibrating").asBoolean(false)) {
                b.estimated("value", "WHOOP is still calibrating to this person (user_calibrating): the score may "
                                     + "not hold yet");
            }
            events.add(b.build());
        }
        return events;
    }

    private CanonicalEvent cycle(JsonNode r, MappingContext ctx) {
        ZoneOffset offset = offset(r);
        OffsetDateTime start = Records.utcAt(r, "start", offset);
        OffsetDateTime end = has(r, "end") ? Records.utcAt(r, "end", offset) : start;
        JsonNode s = Records.field(r, "score");
        return EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(text(r, "id")).interval(start, end)
                .put("date", start.toLocalDate().toString())
                .quantity("total_energy", optNumber(s, "kilojoule"), "kJ", "kcal")
                .build();
    }

    /**
     * The body measurement has no time: it is published at the start of the UTC day it was fetched, so an unchanged
     * weight is one event a day at most and a changed one a new event.
     */
    private List<CanonicalEvent> body(JsonNode r, MappingContext ctx) {
        BigDecimal kg = optNumber(r, "weight_kilogram");
        BigDecimal m = optNumber(r, "height_meter");
        List<CanonicalEvent> events = new ArrayList<>();
        if (kg != null && kg.signum() > 0) {
            events.add(bodyFigure(DataType.BODY_WEIGHT, kg, "kg", r, ctx));
        }
        if (m != null && m.signum() > 0) {
            events.add(bodyFigure(DataType.BODY_HEIGHT, m, "m", r, ctx));
        }
        if (events.isEmpty()) {
            throw new RecordSkipped("weight_not_set", "WHOOP body measurement has no weight or height (absent or 0)");
        }
        return events;
    }

    private static CanonicalEvent bodyFigure(DataType type, BigDecimal value, String unit, JsonNode r, MappingContext ctx) {
        OffsetDateTime day = LocalDate.ofInstant(ctx.fetchedAt(), ZoneOffset.UTC).atStartOfDay().atOffset(ZoneOffset.UTC);
        return EventBuilder.of(type, ctx).raw(r).sourceRecordId("body_measurement").at(day).value(value, unit)
                .estimated("start", "WHOOP body measurements carry no time: the day they were read").build();
    }

    private CanonicalEvent heartRate(JsonNode r, MappingContext ctx) {
        EventBuilder b = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).put("unit", "/min");
        Samples s = new Samples();
        for (JsonNode p : Records.array(r, "stream")) {
            s.add(Records.offsetTime(p, "timestamp"), b.convert(number(p, "hr"), "/min"));
        }
        return s.applyTo(b).build();
    }
}
