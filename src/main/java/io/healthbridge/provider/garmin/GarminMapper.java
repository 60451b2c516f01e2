package io.healthbridge.provider.garmin;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;
import io.healthbridge.provider.SleepStages;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.longValue;
import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;

/**
 * Garmin Health API summaries into canonical events. A payload is either a pulled array of summaries or a push
 * notification body holding them under the summary type ({@code {"epochs": [...]}}).
 */
public class GarminMapper implements ProviderMapper {

    public static final String PROVIDER = "garmin";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("dailies", "epochs", "sleeps", "bodyComps", "bloodPressures", "hrv", "pulseox");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        List<JsonNode> r = Records.arrayOrField(payload, dataset);
        // push envelopes name pulse oximetry "pulseOx"
        return r.isEmpty() && "pulseox".equals(dataset) ? Records.arrayOrField(payload, "pulseOx") : r;
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        return switch (dataset) {
            case "dailies" -> daily(r, ctx);
            case "epochs" -> epoch(r, ctx);
            case "sleeps" -> List.of(sleep(r, ctx));
            case "bodyComps" -> bodyComp(r, ctx);
            case "bloodPressures" -> List.of(bloodPressure(r, ctx));
            case "hrv" -> List.of(hrv(r, ctx));
            case "pulseox" -> List.of(pulseOx(r, ctx));
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    private static String id(JsonNode r) {
        String id = Records.text(r, "summaryId").trim();
        if (id.isEmpty()) {
            throw new MappingException("empty summaryId");
        }
        return id;
    }

    private static OffsetDateTime start(JsonNode r) {
        return Records.epochSeconds(longValue(r, "startTimeInSeconds"), (int) longValue(r, "startTimeOffsetInSeconds"));
    }

    private static OffsetDateTime measured(JsonNode r) {
        return Records.epochSeconds(longValue(r, "measurementTimeInSeconds"),
                has(r, "measurementTimeOffsetInSeconds") ? (int) longValue(r, "measurementTimeOffsetInSeconds") : 0);
    }

    /** {@code {"<seconds after start>": value}} maps into samples. */
    private static Samples offsets(JsonNode map, OffsetDateTime start, EventBuilder b, String unit) {
        Samples s = new Samples();
        if (map == null || !map.isObject()) {
            return s;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            long offset;
            try {
                offset = Long.parseLong(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw new MappingException("sample offset is not a number of seconds: '" + e.getKey() + "'");
            }
            s.add(start.plusSeconds(offset), b.convert(Records.toNumber(e.getValue(), "sample at " + offset), unit));
        }
        return s;
    }

    private List<CanonicalEvent> daily(JsonNode r, MappingContext ctx) {
        String id = id(r);
        OffsetDateTime start = start(r);
        OffsetDateTime end = start.plusSeconds(longValue(r, "durationInSeconds"));
        String day = Records.date(Records.text(r, "calendarDate"), "field 'calendarDate'").toString();
        List<CanonicalEvent> events = new ArrayList<>();
        BigDecimal active = optNumber(r, "activeKilocalories");
        BigDecimal bmr = optNumber(r, "bmrKilocalories");
        events.add(EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .put("date", day)
                .quantity("steps", optNumber(r, "steps"), "{steps}")
                .quantity("distance", optNumber(r, "distanceInMeters"), "m")
                .quantity("active_energy", active, "kcal")
                .quantity("total_energy", Records.sum(active, bmr), "kcal")
                .quantity("active_duration", optNumber(r, "activeTimeInSeconds"), "s")
                .put("floors", optNumber(r, "floorsClimbed"))
                .build());
        EventBuilder hr = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).sourceRecordId(id).put("unit", "/min");
        Samples samples = offsets(r.get("timeOffsetHeartRateSamples"), start, hr, "/min");
        if (!samples.isEmpty()) {
            events.add(samples.applyTo(hr).build());
        }
        BigDecimal resting = optNumber(r, "restingHeartRateInBeatsPerMinute");
        if (resting != null) {
            events.add(EventBuilder.of(DataType.RESTING_HEART_RATE, ctx).raw(r).sourceRecordId(id)
                    .interval(start, end).value(resting, "/min").build());
        }
        return events;
    }

    private List<CanonicalEvent> epoch(JsonNode r, MappingContext ctx) {
        String id = id(r);
        OffsetDateTime start = start(r);
        OffsetDateTime end = start.plusSeconds(longValue(r, "durationInSeconds"));
        List<CanonicalEvent> events = new ArrayList<>();
        events.add(EventBuilder.of(DataType.STEPS, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .value(number(r, "steps"), "{steps}").put("activity", optText(r, "activityType")).build());
        BigDecimal distance = optNumber(r, "distanceInMeters");
        if (distance != null) {
            events.add(EventBuilder.of(DataType.DISTANCE, ctx).raw(r).sourceRecordId(id).interval(start, end)
                    .value(distance, "m").build());
        }
        BigDecimal energy = optNumber(r, "activeKilocalories");
        if (energy != null) {
            events.add(EventBuilder.of(DataType.ACTIVE_ENERGY, ctx).raw(r).sourceRecordId(id).interval(start, end)
                    .value(energy, "kcal").build());
        }
        return events;
    }

    private CanonicalEvent sleep(JsonNode r, MappingContext ctx) {
        String id = id(r);
        OffsetDateTime start = start(r);
        long duration = longValue(r, "durationInSeconds");
        BigDecimal awake = optNumber(r, "awakeDurationInSeconds");
        OffsetDateTime end = start.plusSeconds(duration + (awake == null ? 0 : awake.longValue()));
        SleepStages.Segments segments = new SleepStages.Segments();
        JsonNode levels = r.get("sleepLevelsMap");
        int offset = start.getOffset().getTotalSeconds();
        if (levels != null && levels.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = levels.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String stage = switch (e.getKey()) {
                    case "deep", "light", "rem", "awake" -> e.getKey();
                    default -> "unknown";
                };
                for (JsonNode seg : e.getValue()) {
                    OffsetDateTime from = Records.epochSeconds(longValue(seg, "startTimeInSeconds"), offset);
                    OffsetDateTime to = Records.epochSeconds(longValue(seg, "endTimeInSeconds"), offset);
                    segments.add(stage, from, to);
                    if (to.isAfter(end)) {
                        end = to;
                    }
                }
            }
        }
        return EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .quantity("duration", duration, "s")
                .put("stages", new SleepStages()
                        .add("deep", optNumber(r, "deepSleepDurationInSeconds"), "s")
                        .add("light", optNumber(r, "lightSleepDurationInSeconds"), "s")
                        .add("rem", optNumber(r, "remSleepInSeconds"), "s")
                        .add("awake", awake, "s")
                        .add("unknown", optNumber(r, "unmeasurableSleepDurationInSeconds"), "s").toJson())
                .put("segments", sorted(segments))
                .put("calendar_date", optText(r, "calendarDate"))
                .build();
    }

    private static JsonNode sorted(SleepStages.Segments segments) {
        var json = segments.toJson();
        if (json == null) {
            return null;
        }
        List<JsonNode> list = new ArrayList<>();
        json.forEach(list::add);
        list.sort((a, b) -> a.get("start").asText().compareTo(b.get("start").asText()));
        var out = io.healthbridge.event.EventJson.MAPPER.createArrayNode();
        list.forEach(out::add);
        return out;
    }

    private List<CanonicalEvent> bodyComp(JsonNode r, MappingContext ctx) {
        String id = id(r);
        OffsetDateTime time = measured(r);
        List<CanonicalEvent> events = new ArrayList<>();
        BigDecimal grams = optNumber(r, "weightInGrams");
        if (grams != null) {
            events.add(EventBuilder.of(DataType.BODY_WEIGHT, ctx).raw(r).sourceRecordId(id).at(time)
                    .value(grams, "g").build());
        }
        BigDecimal fat = optNumber(r, "bodyFatInPercent");
        if (fat != null) {
            events.add(EventBuilder.of(DataType.BODY_FAT, ctx).raw(r).sourceRecordId(id).at(time)
                    .value(fat, "%").build());
        }
        return events;
    }

    private CanonicalEvent bloodPressure(JsonNode r, MappingContext ctx) {
        return EventBuilder.of(DataType.BLOOD_PRESSURE, ctx).raw(r).sourceRecordId(id(r)).at(measured(r))
                .quantity("systolic", number(r, "systolic"), "mm[Hg]")
                .quantity("diastolic", number(r, "diastolic"), "mm[Hg]")
                .quantity("pulse", optNumber(r, "pulse"), "/min")
                .put("source_type", optText(r, "sourceType"))
                .build();
    }

    private CanonicalEvent hrv(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = start(r);
        OffsetDateTime end = start.plusSeconds(longValue(r, "durationInSeconds"));
        EventBuilder b = EventBuilder.of(DataType.HEART_RATE_VARIABILITY, ctx).raw(r).sourceRecordId(id(r))
                .interval(start, end).put("method", "rmssd").value(number(r, "lastNightAvg"), "ms");
        Samples s = offsets(r.get("hrvValues"), start, b, "ms");
        if (!s.isEmpty()) {
            b.samples(s.toJson());
        }
        return b.build();
    }

    private CanonicalEvent pulseOx(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = start(r);
        OffsetDateTime end = start.plusSeconds(longValue(r, "durationInSeconds"));
        EventBuilder b = EventBuilder.of(DataType.OXYGEN_SATURATION, ctx).raw(r).sourceRecordId(id(r))
                .interval(start, end).put("on_demand", r.path("onDemand").isBoolean() ? r.get("onDemand").asBoolean() : null);
        Samples s = offsets(r.get("timeOffsetSpo2Values"), start, b, "%");
        if (s.isEmpty()) {
            throw new MappingException("no SpO2 values");
        }
        return b.value(s.average(), "%").samples(s.toJson()).build();
    }
}
