package io.healthbridge.provider.polar;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
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
import static io.healthbridge.provider.Records.longValue;
import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/**
 * Polar AccessLink v3 documents into canonical events: continuous heart rate, nightly recharge (HRV, breathing),
 * sleep, SpO2 tests, physical information, daily activity and exercises. Times Polar gives without an offset are
 * placed in the user's zone.
 */
public class PolarMapper implements ProviderMapper {

    public static final String PROVIDER = "polar";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("continuous_heart_rate", "nightly_recharge", "sleep", "spo2", "physical_information",
                "activity", "exercises");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        if (payload.isArray()) {
            return Records.arrayOrField(payload, dataset);
        }
        for (String listField : List.of("nights", "recharges", "exercises", "activities", "physical_informations")) {
            if (payload.has(listField) && payload.get(listField).isArray()) {
                return Records.array(payload, listField);
            }
        }
        return List.of(payload);
    }

    /**
     * Polar spells the same field two ways: the transactional (legacy) API with hyphens ({@code heart-rate},
     * {@code start-time}), the current one with underscores. Records are read with underscores.
     */
    static JsonNode snakeKeys(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = EventJson.object();
            node.fields().forEachRemaining(e -> {
                String key = e.getKey().replace('-', '_');
                if (!out.has(key) || e.getKey().equals(key)) { // the underscore spelling wins
                    out.set(key, snakeKeys(e.getValue()));
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = EventJson.MAPPER.createArrayNode();
            node.forEach(n -> out.add(snakeKeys(n)));
            return out;
        }
        return node;
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode record, MappingContext ctx) {
        JsonNode r = snakeKeys(record);
        List<CanonicalEvent> events = switch (dataset) {
            case "continuous_heart_rate" -> List.of(heartRate(r, ctx));
            case "nightly_recharge" -> recharge(r, ctx);
            case "sleep" -> sleep(r, ctx);
            case "spo2" -> List.of(spo2(r, ctx));
            case "physical_information" -> body(r, ctx);
            case "activity" -> List.of(activity(r, ctx));
            case "exercises" -> List.of(exercise(r, ctx));
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
        // the digest is of the record as Polar sent it, whatever its spelling
        String digest = "sha256:" + EventJson.digest(record);
        events.forEach(e -> ((ObjectNode) e.data().get("provenance"))
                .put("raw_digest", digest));
        return events;
    }

    /** {@code "HH:mm[:ss]"} times of a day; a time earlier than the one before it belongs to the next day. */
    private static TreeMap<OffsetDateTime, JsonNode> clockSeries(JsonNode map, LocalDate day, ZoneId zone) {
        TreeMap<OffsetDateTime, JsonNode> out = new TreeMap<>();
        if (map == null || !map.isObject()) {
            return out;
        }
        LocalDate current = day;
        LocalTime previous = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            LocalTime t = Records.clock(e.getKey(), "sample time");
            if (previous != null && t.isBefore(previous)) {
                current = current.plusDays(1);
            }
            previous = t;
            out.put(current.atTime(t).atZone(zone).toOffsetDateTime(), e.getValue());
        }
        return out;
    }

    private CanonicalEvent heartRate(JsonNode r, MappingContext ctx) {
        LocalDate day = Records.date(text(r, "date"), "field 'date'");
        EventBuilder b = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).sourceRecordId(day.toString()).put("unit", "/min");
        Samples s = new Samples();
        for (JsonNode sample : Records.array(r, "heart_rate_samples")) {
            LocalTime t = Records.clock(text(sample, "sample_time"), "field 'sample_time'");
            s.add(day.atTime(t).atZone(ctx.zone()).toOffsetDateTime(), b.convert(number(sample, "heart_rate"), "/min"));
        }
        return s.applyTo(b).build();
    }

    private List<CanonicalEvent> recharge(JsonNode r, MappingContext ctx) {
        LocalDate day = Records.date(text(r, "date"), "field 'date'");
        List<CanonicalEvent> events = new ArrayList<>();
        EventBuilder hrv = EventBuilder.of(DataType.HEART_RATE_VARIABILITY, ctx).raw(r).sourceRecordId(day.toString())
                .put("method", "rmssd").value(number(r, "heart_rate_variability_avg"), "ms");
        Samples hs = new Samples();
        clockSeries(r.get("hrv_samples"), day, ctx.zone()).forEach((t, v) -> hs.add(t, hrv.convert(Records.toNumber(v, "hrv sample"), "ms")));
        OffsetDateTime start = hs.isEmpty() ? day.atStartOfDay(ctx.zone()).toOffsetDateTime() : hs.first();
        OffsetDateTime end = hs.isEmpty() ? start : hs.last();
        hrv.interval(start, end);
        if (!hs.isEmpty()) {
            hrv.samples(hs.toJson());
        }
        events.add(hrv.build());
        BigDecimal breathing = optNumber(r, "breathing_rate_avg");
        if (breathing != null) {
            events.add(EventBuilder.of(DataType.RESPIRATORY_RATE, ctx).raw(r).sourceRecordId(day.toString())
                    .interval(start, end).value(breathing, "/min").build());
        }
        return events;
    }

    /** Polar hypnogram codes: 0 wake, 1 REM, 2 lighter non-REM, 3 light non-REM, 4 deep non-REM, 5 unknown. */
    private static String hypnogramStage(int code) {
        return switch (code) {
            case 0 -> "awake";
            case 1 -> "rem";
            case 2, 3 -> "light";
            case 4 -> "deep";
            default -> "unknown";
        };
    }

    private List<CanonicalEvent> sleep(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = Records.offsetTime(r, "sleep_start_time");
        OffsetDateTime end = Records.offsetTime(r, "sleep_end_time");
        String id = text(r, "date");
        ZoneOffset offset = start.getOffset();
        SleepStages stages = new SleepStages()
                .add("light", optNumber(r, "light_sleep"), "s")
                .add("deep", optNumber(r, "deep_sleep"), "s")
                .add("rem", optNumber(r, "rem_sleep"), "s")
                .add("awake", optNumber(r, "total_interruption_duration"), "s")
                .add("unknown", optNumber(r, "unrecognized_sleep_stage"), "s");
        SleepStages.Segments segments = new SleepStages.Segments();
        TreeMap<OffsetDateTime, JsonNode> hypnogram = clockSeries(r.get("hypnogram"), start.toLocalDate(), offset);
        List<Map.Entry<OffsetDateTime, JsonNode>> entries = new ArrayList<>(hypnogram.entrySet());
        for (int i = 0; i < entries.size(); i++) {
            OffsetDateTime from = entries.get(i).getKey();
            OffsetDateTime to = i + 1 < entries.size() ? entries.get(i + 1).getKey() : end;
            // hypnogram times are whole minutes: the first one is the minute the session starts in
            if (from.isBefore(start) && !from.isBefore(start.truncatedTo(ChronoUnit.MINUTES))) {
                from = start;
            }
            segments.add(hypnogramStage(entries.get(i).getValue().asInt(5)), from, to);
        }
        Device device = has(r, "device_id") ? new Device(null, null, null, "Polar") : null;
        List<CanonicalEvent> events = new ArrayList<>();
        events.add(EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .device(device)
                .quantity("duration", stages.asleepSeconds(), "s")
                .put("stages", stages.toJson())
                .put("segments", segments.toJson())
                .put("score", optNumber(r, "sleep_score"))
                .build());
        EventBuilder hr = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).sourceRecordId(id).put("unit", "/min")
                .put("context", "sleep");
        Samples hs = new Samples();
        clockSeries(r.get("heart_rate_samples"), start.toLocalDate(), offset)
                .forEach((t, v) -> hs.add(t, hr.convert(Records.toNumber(v, "heart rate sample"), "/min")));
        if (!hs.isEmpty()) {
            events.add(hs.applyTo(hr).build());
        }
        return events;
    }

    private CanonicalEvent spo2(JsonNode r, MappingContext ctx) {
        int offsetMinutes = has(r, "time_zone_offset") ? (int) longValue(r, "time_zone_offset") : 0;
        OffsetDateTime time = Records.epochSeconds(longValue(r, "test_time"), offsetMinutes * 60);
        return EventBuilder.of(DataType.OXYGEN_SATURATION, ctx).raw(r).sourceRecordId(String.valueOf(longValue(r, "test_time")))
                .at(time).value(number(r, "blood_oxygen_percent"), "%").build();
    }

    private List<CanonicalEvent> body(JsonNode r, MappingContext ctx) {
        BigDecimal weight = optNumber(r, "weight");
        if (weight == null || weight.signum() <= 0) {
            throw new RecordSkipped("weight_not_set", "Polar physical information has no weight (absent or 0)");
        }
        OffsetDateTime time = Records.offsetTime(r, "created");
        return List.of(EventBuilder.of(DataType.BODY_WEIGHT, ctx).raw(r).sourceRecordId(text(r, "created"))
                .at(time).value(weight, "kg").put("entry", optText(r, "weight_source")).build());
    }

    private CanonicalEvent activity(JsonNode r, MappingContext ctx) {
        if (!has(r, "start_time") && has(r, "date") && r.path("steps").isObject()) {
            return activitySamples(r, ctx);
        }
        if (!has(r, "start_time") && has(r, "date")) {
            return activityOfDay(r, ctx);
        }
        OffsetDateTime start = Records.localTime(text(r, "start_time"), ctx.zone(), "field 'start_time'");
        OffsetDateTime end = Records.localTime(text(r, "end_time"), ctx.zone(), "field 'end_time'");
        return EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(start.toLocalDate().toString())
                .interval(start, end)
                .put("date", start.toLocalDate().toString())
                .quantity("steps", optNumber(r, "steps"), "{steps}")
                .quantity("distance", optNumber(r, "distance_from_steps"), "m")
                .quantity("active_energy", optNumber(r, "active_calories"), "kcal")
                .quantity("total_energy", optNumber(r, "calories"), "kcal")
                .quantity("active_duration", has(r, "active_duration")
                        ? Records.isoDurationSeconds(text(r, "active_duration"), "field 'active_duration'") : null, "s")
                .build();
    }

    /** A day's summary of the transactional API: {@code date}, {@code active-steps}, calories, active time. */
    private CanonicalEvent activityOfDay(JsonNode r, MappingContext ctx) {
        LocalDate day = Records.date(text(r, "date"), "field 'date'");
        BigDecimal steps = has(r, "steps") ? optNumber(r, "steps") : optNumber(r, "active_steps");
        return EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(day.toString())
                .interval(day.atStartOfDay(ctx.zone()).toOffsetDateTime(),
                        day.plusDays(1).atStartOfDay(ctx.zone()).toOffsetDateTime())
                .put("date", day.toString())
                .quantity("steps", steps, "{steps}")
                .quantity("active_energy", optNumber(r, "active_calories"), "kcal")
                .quantity("total_energy", optNumber(r, "calories"), "kcal")
                .quantity("active_duration", has(r, "duration")
                        ? Records.isoDurationSeconds(text(r, "duration"), "field 'duration'") : null, "s")
                .build();
    }

    /**
     * A day's activity samples ({@code /v3/users/activities/samples/{date}}): the day's total steps, with the step
     * samples of each {@code interval_ms} when Polar gives an interval. Sample times are local, like the date. A day
     * with no step counted at all is a day the device did not record, skipped rather than published as 0 steps.
     */
    private CanonicalEvent activitySamples(JsonNode r, MappingContext ctx) {
        LocalDate day = Records.date(text(r, "date"), "field 'date'");
        JsonNode steps = r.path("steps");
        BigDecimal total = optNumber(steps, "total_steps");
        Samples samples = new Samples();
        BigDecimal counted = BigDecimal.ZERO;
        for (JsonNode sample : Records.array(steps, "samples")) {
            BigDecimal n = number(sample, "steps");
            counted = counted.add(n);
            samples.add(Records.localTime(text(sample, "timestamp"), ctx.zone(), "step sample 'timestamp'"), n);
        }
        if ((total == null || total.signum() == 0) && counted.signum() == 0) {
            throw new RecordSkipped("no_steps_recorded", "Polar activity samples of " + day
                                                         + " count no step at all: a day the device did not record");
        }
        OffsetDateTime start = day.atStartOfDay(ctx.zone()).toOffsetDateTime();
        OffsetDateTime end = day.plusDays(1).atStartOfDay(ctx.zone()).toOffsetDateTime();
        EventBuilder b = EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(day.toString())
                .interval(start, end).put("date", day.toString())
                .quantity("steps", total != null ? total : counted, "{steps}");
        if (total == null) {
            b.estimated("steps", "no total_steps: the sum of the step samples");
        }
        if (!samples.isEmpty() && steps.path("interval_ms").asLong(0) > 0) {
            b.samples(samples.toJson());
        } else if (!samples.isEmpty()) {
            b.omitted("samples", "step samples without an interval (interval_ms is 0 or absent)");
        }
        return b.build();
    }

    private CanonicalEvent exercise(JsonNode r, MappingContext ctx) {
        int offsetMinutes = has(r, "start_time_utc_offset") ? (int) longValue(r, "start_time_utc_offset") : 0;
        OffsetDateTime start = Records.localTime(text(r, "start_time"), ZoneOffset.ofTotalSeconds(offsetMinutes * 60),
                "field 'start_time'");
        long duration = Records.isoDurationSeconds(text(r, "duration"), "field 'duration'");
        String sport = text(r, "sport");
        String detailed = optText(r, "detailed_sport_info");
        EventBuilder b = EventBuilder.of(DataType.WORKOUT, ctx).raw(r).sourceRecordId(text(r, "id"))
                .interval(start, start.plusSeconds(duration))
                .device(has(r, "device") ? new Device(optText(r, "device"), optText(r, "device"), "watch", "Polar") : null)
                .put("sport", Records.snake(detailed != null ? detailed : sport))
                .put("provider_sport", detailed != null ? sport + "/" + detailed : sport)
                .quantity("duration", duration, "s")
                .quantity("distance", optNumber(r, "distance"), "m")
                .quantity("energy", optNumber(r, "calories"), "kcal");
        JsonNode hr = r.path("heart_rate");
        WithingsMapper.heartRateSummary(b, optNumber(hr, "average"), optNumber(hr, "maximum"), null);
        JsonNode route = r.path("route");
        if (route.isArray() && !route.isEmpty()) {
            StringBuilder why = new StringBuilder();
            var streams = PolarRoute.of(route, duration, why);
            if (streams == null) {
                b.omitted("route", why.toString());
            } else {
                b.put("streams", streams.toJson());
            }
        }
        if (r.path("samples").isArray() && !r.path("samples").isEmpty()) {
            b.omitted("samples", "Polar's specification does not say which quantity and unit each sample-type is");
        }
        if (r.path("heart_rate_zones").isArray() && !r.path("heart_rate_zones").isEmpty()) {
            b.omitted("heart_rate_zones", "heart-rate zones are not part of the workout event");
        }
        return b.build();
    }
}
