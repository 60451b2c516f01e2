package io.healthbridge.provider.healthconnect;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;

import static io.healthbridge.provider.healthconnect.HealthConnectUnits.within;

/**
 * Health Connect records in the {@code health-connect-ingest} v0.1 format (provider contract
 * {@code health-connect.md} §7): one record per Jetpack record class, its values under their Jetpack names, quantities
 * as {@code {value, unit}}, enums as Health Connect's ints. Each record keeps its {@code metadata.id} as the source
 * record id (the only key a Health Connect deletion carries) and the writing app ({@code dataOrigin}) as
 * {@code source_app}, so Samsung Health, Google Fit and the phone stay apart. Of several versions of one record in a
 * payload only the newest ({@code clientRecordVersion}, then {@code lastModifiedTime}) is mapped; the others are
 * skipped as superseded. Values outside the ranges Health Connect itself enforces are refused record by record.
 */
public class HealthConnectMapper implements ProviderMapper {

    public static final String PROVIDER = "health_connect";
    public static final String DATASET = "records";
    /** Set by {@link #records} on a record a newer version of the same record replaces in the payload. */
    static final String SUPERSEDED = "$supersededByVersion";
    /** Set by the ingest on a record older than the version of it already received in an earlier batch. */
    public static final String STALE = "$staleAgainstVersion";

    private static final BigDecimal ZERO = BigDecimal.ZERO;

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of(DATASET);
    }

    /** The payload's {@code records} (or a bare array); older versions of a record are marked superseded. */
    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        List<JsonNode> records = Records.arrayOrField(payload, "records");
        Map<String, JsonNode> newest = new HashMap<>();
        for (JsonNode r : records) {
            String id = r.path("metadata").path("id").asText("");
            if (!id.isEmpty() && (!newest.containsKey(id) || newer(r, newest.get(id)))) {
                newest.put(id, r);
            }
        }
        List<JsonNode> out = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            JsonNode kept = newest.get(r.path("metadata").path("id").asText(""));
            if (kept == null || kept == r || !r.isObject()) {
                out.add(r);
            } else {
                ObjectNode marked = ((ObjectNode) r).deepCopy();
                marked.put(SUPERSEDED, kept.path("metadata").path("clientRecordVersion").asLong());
                out.add(marked);
            }
        }
        return out;
    }

    private static boolean newer(JsonNode a, JsonNode b) {
        long va = a.path("metadata").path("clientRecordVersion").asLong(0);
        long vb = b.path("metadata").path("clientRecordVersion").asLong(0);
        if (va != vb) {
            return va > vb;
        }
        return a.path("metadata").path("lastModifiedTime").asText("")
                .compareTo(b.path("metadata").path("lastModifiedTime").asText("")) > 0;
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        if (r.has(SUPERSEDED)) {
            throw new RecordSkipped("superseded", "a newer version (clientRecordVersion " + r.get(SUPERSEDED).asLong()
                                                  + ") of this record is in the same payload");
        }
        if (r.has(STALE)) {
            throw new RecordSkipped("stale_version", "version " + r.path("metadata").path("clientRecordVersion")
                    .asLong() + " of this record is older than version " + r.get(STALE).asLong() + " received before");
        }
        String type = Records.text(r, "recordType");
        JsonNode v = r.path("values");
        return switch (type) {
            case "StepsRecord" -> List.of(interval(DataType.STEPS, r, ctx)
                    .value(within(whole(v, "count"), BigDecimal.ONE, BigDecimal.valueOf(1_000_000), "count"), "{steps}")
                    .build());
            case "HeartRateRecord" -> List.of(heartRate(r, v, ctx));
            case "RestingHeartRateRecord" -> List.of(instant(DataType.RESTING_HEART_RATE, r, ctx)
                    .value(bpm(whole(v, "beatsPerMinute"), "beatsPerMinute"), "/min").build());
            case "HeartRateVariabilityRmssdRecord" -> List.of(instant(DataType.HEART_RATE_VARIABILITY, r, ctx)
                    .put("method", "rmssd")
                    .value(within(Records.number(v, "heartRateVariabilityMillis"), BigDecimal.ONE,
                            BigDecimal.valueOf(200), "heartRateVariabilityMillis"), "ms").build());
            case "SleepSessionRecord" ->
                    List.of(HealthConnectSleep.map(interval(DataType.SLEEP_SESSION, r, ctx), r, v));
            case "DistanceRecord" -> List.of(interval(DataType.DISTANCE, r, ctx).value(within(
                    HealthConnectUnits.meters(v.get("distance"), "distance"), ZERO, BigDecimal.valueOf(1_000_000),
                    "distance (m)"), "m").build());
            case "ActiveCaloriesBurnedRecord" -> List.of(interval(DataType.ACTIVE_ENERGY, r, ctx).value(within(
                    HealthConnectUnits.kcal(v.get("energy"), "energy"), ZERO, BigDecimal.valueOf(1_000_000),
                    "energy (kcal)"), "kcal").build());
            case "OxygenSaturationRecord" -> List.of(instant(DataType.OXYGEN_SATURATION, r, ctx)
                    .value(HealthConnectUnits.percent(v.get("percentage"), "percentage"), "%").build());
            case "RespiratoryRateRecord" -> List.of(instant(DataType.RESPIRATORY_RATE, r, ctx)
                    .value(within(Records.number(v, "rate"), ZERO, BigDecimal.valueOf(1000), "rate"), "/min").build());
            case "BodyTemperatureRecord" -> List.of(instant(DataType.BODY_TEMPERATURE, r, ctx)
                    .value(within(HealthConnectUnits.celsius(v.get("temperature"), "temperature"), ZERO,
                            BigDecimal.valueOf(100), "temperature (Cel)"), "Cel")
                    .put("measurement_location", HealthConnectEnums.name(HealthConnectEnums.TEMPERATURE_LOCATION,
                            v.get("measurementLocation")))
                    .build());
            case "WeightRecord" -> List.of(instant(DataType.BODY_WEIGHT, r, ctx).value(within(
                    HealthConnectUnits.kilograms(v.get("weight"), "weight"), ZERO, BigDecimal.valueOf(1000),
                    "weight (kg)"), "kg").build());
            case "BodyFatRecord" -> List.of(instant(DataType.BODY_FAT, r, ctx)
                    .value(HealthConnectUnits.percent(v.get("percentage"), "percentage"), "%").build());
            case "BloodPressureRecord" -> List.of(bloodPressure(r, v, ctx));
            case "BloodGlucoseRecord" -> List.of(instant(DataType.BLOOD_GLUCOSE, r, ctx)
                    .value(within(HealthConnectUnits.mgPerDl(v.get("level"), "level"), ZERO, BigDecimal.valueOf(900),
                            "level (mg/dL; 50 mmol/L)"), "mg/dL")
                    .put("specimen_source", HealthConnectEnums.name(HealthConnectEnums.SPECIMEN_SOURCE,
                            v.get("specimenSource")))
                    .put("meal_type", HealthConnectEnums.name(HealthConnectEnums.MEAL_TYPE, v.get("mealType")))
                    .put("relation_to_meal", HealthConnectEnums.name(HealthConnectEnums.RELATION_TO_MEAL,
                            v.get("relationToMeal")))
                    .build());
            case "ExerciseSessionRecord" -> List.of(workout(r, v, ctx));
            case "TotalCaloriesBurnedRecord" -> throw new RecordSkipped("no_canonical_type",
                    "total energy (active and basal) has no canonical type; never added to active energy");
            case "NutritionRecord" -> List.of(HealthConnectIntake.nutrition(interval(DataType.NUTRITION, r, ctx), v));
            case "MenstruationFlowRecord" ->
                    List.of(HealthConnectIntake.flow(instant(DataType.MENSTRUATION_FLOW, r, ctx), v));
            default -> throw new RecordSkipped("record_type_not_mapped", "Health Connect " + type
                                                                         + " is not mapped");
        };
    }

    private CanonicalEvent heartRate(JsonNode r, JsonNode v, MappingContext ctx) {
        EventBuilder b = interval(DataType.HEART_RATE, r, ctx).put("unit", "/min");
        ZoneOffset offset = offset(r, "startZoneOffset");
        Samples samples = new Samples();
        for (JsonNode s : Records.array(v, "samples")) {
            OffsetDateTime t = time(s, "time", offset);
            samples.add(t, bpm(whole(s, "beatsPerMinute"), "samples[].beatsPerMinute"));
        }
        if (samples.isEmpty()) {
            throw new RecordSkipped("no_samples", "a heart-rate series with no samples");
        }
        return b.samples(samples.toJson()).build();
    }

    private CanonicalEvent bloodPressure(JsonNode r, JsonNode v, MappingContext ctx) {
        if (!v.has("systolic") || !v.has("diastolic")) {
            throw new MappingException("a blood pressure record needs both systolic and diastolic");
        }
        BigDecimal sys = within(HealthConnectUnits.mmHg(v.get("systolic"), "systolic"), BigDecimal.TEN,
                BigDecimal.valueOf(200), "systolic (mmHg)");
        BigDecimal dia = within(HealthConnectUnits.mmHg(v.get("diastolic"), "diastolic"), BigDecimal.TEN,
                BigDecimal.valueOf(180), "diastolic (mmHg)");
        return instant(DataType.BLOOD_PRESSURE, r, ctx).quantity("systolic", sys, "mm[Hg]")
                .quantity("diastolic", dia, "mm[Hg]")
                .put("body_position", HealthConnectEnums.name(HealthConnectEnums.BODY_POSITION, v.get("bodyPosition")))
                .put("measurement_location", HealthConnectEnums.name(HealthConnectEnums.BP_LOCATION,
                        v.get("measurementLocation")))
                .build();
    }

    private CanonicalEvent workout(JsonNode r, JsonNode v, MappingContext ctx) {
        EventBuilder b = interval(DataType.WORKOUT, r, ctx);
        OffsetDateTime start = time(r, "startTime", offset(r, "startZoneOffset"));
        OffsetDateTime end = time(r, "endTime", offset(r, "endZoneOffset"));
        int code = Records.has(v, "exerciseType") ? (int) Records.longValue(v, "exerciseType") : 0;
        String name = HealthConnectEnums.EXERCISE_TYPE.get(code);
        b.put("sport", name == null ? "other_workout" : name)
                .put("provider_sport", "EXERCISE_TYPE_" + (name == null ? String.valueOf(code)
                        : name.toUpperCase(java.util.Locale.ROOT)))
                .quantity("duration", Duration.between(start, end).toSeconds(), "s")
                .put("name", Records.optText(v, "title"));
        if (name == null) {
            b.estimated("sport", "exercise type " + code + " is unknown; Health Connect reads it as OTHER_WORKOUT");
        }
        for (String field : List.of("segments", "laps", "exerciseRoute")) {
            if (Records.has(v, field)) {
                b.omitted(field, "workout segments, laps and routes are not part of the canonical workout yet");
            }
        }
        return b.build();
    }

    /** An interval record: {@code startTime}/{@code endTime} at their offsets ({@code startTime < endTime}). */
    private EventBuilder interval(DataType type, JsonNode r, MappingContext ctx) {
        OffsetDateTime start = time(r, "startTime", offset(r, "startZoneOffset"));
        OffsetDateTime end = time(r, "endTime", offset(r, "endZoneOffset"));
        if (!start.isBefore(end)) {
            throw new MappingException("startTime " + start + " is not before endTime " + end);
        }
        EventBuilder b = common(type, r, ctx).interval(start, end);
        if (offset(r, "startZoneOffset") == null) {
            b.omitted("local_offset", "Health Connect gave no zone offset: the time is shown in UTC");
        }
        return b;
    }

    /** An instantaneous record: {@code time} at {@code zoneOffset}. */
    private EventBuilder instant(DataType type, JsonNode r, MappingContext ctx) {
        ZoneOffset offset = offset(r, "zoneOffset");
        EventBuilder b = common(type, r, ctx).at(time(r, "time", offset));
        if (offset == null) {
            b.omitted("local_offset", "Health Connect gave no zone offset: the time is shown in UTC");
        }
        return b;
    }

    private EventBuilder common(DataType type, JsonNode r, MappingContext ctx) {
        JsonNode m = r.path("metadata");
        String id = Records.text(m, "id");
        JsonNode d = m.path("device");
        Device device = d.isObject() ? new Device(null, Records.optText(d, "model"),
                HealthConnectEnums.name(HealthConnectEnums.DEVICE_TYPE, d.get("type")),
                Records.optText(d, "manufacturer")) : null;
        JsonNode version = m.get("clientRecordVersion");
        return EventBuilder.of(type, ctx).raw(r).sourceRecordId(id).device(device)
                .sourceRecordVersion(version != null && version.canConvertToLong() && version.asLong() >= 0
                        ? version.asLong() : null)
                .sourceApp(m.path("dataOrigin").path("packageName").asText(null));
    }

    static OffsetDateTime time(JsonNode node, String field, ZoneOffset offset) {
        Instant t = Records.offsetTime(node, field).toInstant();
        return t.atOffset(offset == null ? ZoneOffset.UTC : offset);
    }

    /** The record's offset field, or null when Health Connect did not know it. */
    static ZoneOffset offset(JsonNode r, String field) {
        JsonNode o = r.get(field);
        return o == null || o.isNull() ? null : Records.offset(o.asText(), "field '" + field + "'");
    }

    private static BigDecimal whole(JsonNode v, String field) {
        BigDecimal n = Records.number(v, field);
        if (n.stripTrailingZeros().scale() > 0) {
            throw new MappingException(field + " is not a whole number: " + n.toPlainString());
        }
        return n;
    }

    private static BigDecimal bpm(BigDecimal value, String field) {
        return within(value, BigDecimal.ONE, BigDecimal.valueOf(300), field);
    }
}
