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
        return Set.of("dailies", "epochs", "sleeps", "bodyComps", "bloodPressures", "hrv", "pulseox", "stressDetails");
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
            case "stressDetails" -> List.of(GarminReadings.stress(r, ctx));
            case "sleeps" -> sleep(r, ctx);
            case "bodyComps" -> GarminReadings.bodyComp(r, ctx);
            case "bloodPressures" -> List.of(GarminReadings.bloodPressure(r, ctx));
            case "hrv" -> List.of(hrv(r, ctx));
            case "pulseox" -> pulseOx(r, ctx);
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    static String id(JsonNode r) {
        String id = Records.text(r, "summaryId").trim();
        if (id.isEmpty()) {
            throw new MappingException("empty summaryId");
        }
        return id;
    }

    static OffsetDateTime start(JsonNode r) {
        return Records.epochSeconds(longValue(r, "startTimeInSeconds"), (int) longValue(r, "startTimeOffsetInSeconds"));
    }

    static OffsetDateTime measured(JsonNode r) {
        return Records.epochSeconds(longValue(r, "measurementTimeInSeconds"),
                has(r, "measurementTimeOffsetInSeconds") ? (int) longValue(r, "measurementTimeOffsetInSeconds") : 0);
    }

    /** {@code {"<seconds after start>": value}} maps into samples. */
    static Samples offsets(JsonNode map, OffsetDateTime start, EventBuilder b, String unit) {
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
        List<CanonicalEvent> events = new ArrayList<>();
        BigDecimal active = optNumber(r, "activeKilocalories");
        BigDecimal bmr = optNumber(r, "bmrKilocalories");
        EventBuilder daily = EventBuilder.of(DataType.DAILY_ACTIVITY, ctx).raw(r).sourceRecordId(id);
        String day;
        if (has(r, "calendarDate")) {
            day = Records.date(Records.text(r, "calendarDate"), "field 'calendarDate'").toString();
        } else {
            // the day a daily summary covers starts at local midnight: its date follows from start and offset
            day = start.toLocalDate().toString();
            daily.estimated("date", "local date of startTimeInSeconds at startTimeOffsetInSeconds (no calendarDate)");
        }
        events.add(daily.interval(start, end)
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

    /**
     * A sleep summary. {@code durationInSeconds} is the whole sleep window, awake time included (the stage fields add
     * up to it): it is the session's time in bed, and the time asleep is deep + light + REM. A window Garmin marks
     * {@code OFF_WRIST} measured no sleep and is skipped. Naps become sleep sessions of their own, flagged {@code nap};
     * the night's SpO2 and respiration samples become events of their types over the sleep window.
     */
    private List<CanonicalEvent> sleep(JsonNode r, MappingContext ctx) {
        String id = id(r);
        String validation = optText(r, "validation");
        if ("OFF_WRIST".equals(validation)) {
            throw new RecordSkipped("sleep_off_wrist",
                    "Garmin validation OFF_WRIST: the device was not worn, the window holds no measured sleep");
        }
        OffsetDateTime start = start(r);
        long window = longValue(r, "durationInSeconds");
        OffsetDateTime end = start.plusSeconds(window);
        BigDecimal deep = optNumber(r, "deepSleepDurationInSeconds");
        BigDecimal light = optNumber(r, "lightSleepDurationInSeconds");
        BigDecimal rem = optNumber(r, "remSleepInSeconds");
        BigDecimal awake = optNumber(r, "awakeDurationInSeconds");
        // the spec spells it both ways
        BigDecimal unmeasurable = Records.sum(optNumber(r, "unmeasurableSleepDurationInSeconds"),
                optNumber(r, "unmeasurableSleepInSeconds"));
        BigDecimal staged = zeroIfNull(Records.sum(deep, light, rem));
        List<CanonicalEvent> events = new ArrayList<>();
        EventBuilder b = EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(r).sourceRecordId(id).interval(start, end);
        SleepStages stages = new SleepStages();
        BigDecimal asleep;
        if (staged.signum() > 0) {
            asleep = staged;
            stages.add("deep", deep, "s").add("light", light, "s").add("rem", rem, "s");
        } else {
            // no stage breakdown (a manual entry, an older device): asleep is the window less awake and unmeasurable
            asleep = BigDecimal.valueOf(window).subtract(zeroIfNull(awake)).subtract(zeroIfNull(unmeasurable));
            if (asleep.signum() > 0) {
                stages.add("asleep", asleep, "s");
                b.estimated("stages", "no stage durations: time asleep is durationInSeconds less awake and "
                                      + "unmeasurable time");
            }
        }
        if (asleep.signum() > 0) {
            stages.add("awake", awake, "s").add("unknown", unmeasurable, "s");
            b.quantity("duration", asleep, "s")
                    .quantity("time_in_bed", window, "s")
                    .put("stages", stages.toJson())
                    .put("nap", false)
                    .put("validation", validation)
                    .put("calendar_date", optText(r, "calendarDate"));
            JsonNode score = r.path("overallSleepScore").path("value");
            if (score.isNumber()) {
                b.put("score", score.decimalValue());
            }
            segments(r.get("sleepLevelsMap"), start, end, b);
            BigDecimal napTotal = optNumber(r, "totalNapDurationInSeconds");
            if (napTotal != null && napTotal.signum() > 0 && Records.array(r, "naps").isEmpty()) {
                b.omitted("naps", "totalNapDurationInSeconds without a naps list: no start time to place a nap at");
            }
            events.add(b.build());
            nightSamples(r, id, "timeOffsetSleepSpo2", DataType.OXYGEN_SATURATION, start, end, ctx, events);
            nightSamples(r, id, "timeOffsetSleepRespiration", DataType.RESPIRATORY_RATE, start, end, ctx, events);
        }
        naps(r, id, ctx, events);
        if (events.isEmpty()) {
            throw new RecordSkipped("no_sleep_measured", "Garmin sleep summary with no time asleep and no nap");
        }
        return events;
    }

    /**
     * Stage segments from {@code sleepLevelsMap}, kept only when they agree with the window: segments outside it or
     * overlapping each other contradict the summary, so none is published and the event says why.
     */
    private static void segments(JsonNode levels, OffsetDateTime start, OffsetDateTime end, EventBuilder b) {
        if (levels == null || !levels.isObject() || levels.isEmpty()) {
            return;
        }
        SleepStages.Segments segments = new SleepStages.Segments();
        List<OffsetDateTime[]> spans = new ArrayList<>();
        int offset = start.getOffset().getTotalSeconds();
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
                spans.add(new OffsetDateTime[] {from, to});
            }
        }
        spans.sort((x, y) -> x[0].compareTo(y[0]));
        long outside = spans.stream().filter(x -> x[0].isBefore(start) || x[1].isAfter(end) || x[1].isBefore(x[0]))
                .count();
        long overlapping = 0;
        for (int i = 1; i < spans.size(); i++) {
            if (spans.get(i)[0].isBefore(spans.get(i - 1)[1])) {
                overlapping++;
            }
        }
        if (outside > 0 || overlapping > 0) {
            b.omitted("segments", "sleepLevelsMap contradicts the summary: " + outside + " of " + spans.size()
                                  + " segments lie outside the sleep window, " + overlapping + " overlap another");
            return;
        }
        b.put("segments", sorted(segments));
    }

    /** A night's {@code {"<seconds after sleep start>": value}} samples as one event of {@code type}. */
    private static void nightSamples(JsonNode r, String id, String field, DataType type, OffsetDateTime start,
            OffsetDateTime end, MappingContext ctx, List<CanonicalEvent> events) {
        JsonNode map = r.get(field);
        if (map == null || !map.isObject() || map.isEmpty()) {
            return;
        }
        EventBuilder b = EventBuilder.of(type, ctx).raw(r).sourceRecordId(id + "/" + field).interval(start, end)
                .put("context", "sleep");
        Samples s = offsets(map, start, b, type.unit());
        events.add(b.value(s.average(), type.unit()).samples(s.toJson()).build());
    }

    /** Naps of the day, each its own sleep session flagged {@code nap}. */
    private static void naps(JsonNode r, String id, MappingContext ctx, List<CanonicalEvent> events) {
        List<JsonNode> naps = Records.array(r, "naps");
        for (JsonNode nap : naps) {
            long napStart = longValue(nap, "napStartTimeInSeconds");
            long napDuration = longValue(nap, "napDurationInSeconds");
            OffsetDateTime from = Records.epochSeconds(napStart,
                    has(nap, "napOffsetInSeconds") ? (int) longValue(nap, "napOffsetInSeconds") : 0);
            events.add(EventBuilder.of(DataType.SLEEP_SESSION, ctx).raw(nap).sourceRecordId(id + "/nap/" + napStart)
                    .interval(from, from.plusSeconds(napDuration))
                    .quantity("duration", napDuration, "s")
                    .put("stages", new SleepStages().add("asleep", BigDecimal.valueOf(napDuration), "s").toJson())
                    .put("nap", true)
                    .put("validation", optText(nap, "napValidation"))
                    .build());
        }
    }

    private static BigDecimal zeroIfNull(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }

    private static JsonNode sorted(SleepStages.Segments segments) {
        var json = segments.toJson();
        if (json == null) {
            return null;
        }
        List<JsonNode> list = new ArrayList<>();
        json.forEach(list::add);
        list.sort((a, b) -> a.get("start").asText().compareTo(b.get("start").asText()));
        var out = EventJson.MAPPER.createArrayNode();
        list.forEach(out::add);
        return out;
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

    /**
     * Pulse oximetry. An all-day record spans {@code [start, start + durationInSeconds]} with its samples inside; an
     * on-demand one ({@code onDemand: true}) is a spot check: each value is its own reading at its own time (its
     * {@code durationInSeconds} is 0 and its start is the day's midnight, not the time of the reading).
     */
    private List<CanonicalEvent> pulseOx(JsonNode r, MappingContext ctx) {
        String id = id(r);
        OffsetDateTime start = start(r);
        boolean onDemand = r.path("onDemand").asBoolean(false);
        EventBuilder probe = EventBuilder.of(DataType.OXYGEN_SATURATION, ctx);
        Samples s = offsets(r.get("timeOffsetSpo2Values"), start, probe, "%");
        if (s.isEmpty()) {
            throw new MappingException("no SpO2 values");
        }
        if (onDemand) {
            List<CanonicalEvent> events = new ArrayList<>();
            for (var sample : s.toJson()) {
                OffsetDateTime t = OffsetDateTime.parse(sample.get("time").asText());
                events.add(EventBuilder.of(DataType.OXYGEN_SATURATION, ctx).raw(r)
                        .sourceRecordId(s.size() == 1 ? id : id + "@" + t.toEpochSecond()).at(t)
                        .put("on_demand", true).value(sample.get("value").decimalValue(), "%").build());
            }
            return events;
        }
        OffsetDateTime end = start.plusSeconds(longValue(r, "durationInSeconds"));
        return List.of(EventBuilder.of(DataType.OXYGEN_SATURATION, ctx).raw(r).sourceRecordId(id).interval(start, end)
                .put("on_demand", r.path("onDemand").isBoolean() ? false : null)
                .value(s.average(), "%").samples(s.toJson()).build());
    }
}
