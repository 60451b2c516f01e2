package io.healthbridge.provider.applehealth;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;

/**
 * The elements of an Apple Health {@code export.xml}, read by the importer into JSON (attributes as fields,
 * {@code MetadataEntry}s as {@code metadata}, children as lists): {@code Record}, {@code Correlation}, {@code Workout},
 * {@code ActivitySummary}, and {@code SleepNight} (one source's sleep samples of a night, which the importer
 * collects). An export carries no sample ids, so a record's source id is a digest of what identifies it (type, source,
 * device model, interval, value, unit; contract §4): the same sample in a later export is the same event, dropped as a
 * duplicate.
 */
final class AppleExport {

    static final String HK = "HKQuantityTypeIdentifier";
    /** Set by a companion app's reader on a record whose value it had to interpret: the rule it applied. */
    static final String ESTIMATED = "$estimated";

    private AppleExport() {
    }

    static List<CanonicalEvent> map(JsonNode r, MappingContext ctx) {
        String element = Records.text(r, "element");
        return switch (element) {
            case "Record" -> record(r, ctx);
            case "Correlation" -> List.of(correlation(r, ctx));
            case "Workout" -> List.of(AppleWorkouts.export(r, ctx));
            case "ActivitySummary" -> List.of(activitySummary(r, ctx));
            case "SleepNight" -> List.of(sleepNight(r, ctx));
            default -> throw new RecordSkipped("element_not_mapped", "export element " + element + " is not mapped");
        };
    }

    private static List<CanonicalEvent> record(JsonNode r, MappingContext ctx) {
        String type = Records.text(r, "type");
        String name = type.startsWith(HK) ? type.substring(HK.length()) : type;
        BigDecimal v = type.startsWith(HK) ? value(r) : null;
        String unit = r.path("unit").asText(null);
        return switch (name) {
            case "StepCount" -> List.of(interval(DataType.STEPS, r, ctx).value(AppleUnits.count(v, unit), "{steps}")
                    .build());
            case "DistanceWalkingRunning", "DistanceCycling", "DistanceSwimming", "DistanceWheelchair",
                 "DistanceDownhillSnowSports" -> List.of(interval(DataType.DISTANCE, r, ctx)
                    .value(AppleUnits.meters(v, unit), "m")
                    .put("activity", Records.snake(name.substring("Distance".length()))).build());
            case "ActiveEnergyBurned" -> List.of(interval(DataType.ACTIVE_ENERGY, r, ctx)
                    .value(AppleUnits.kcal(v, unit), "kcal").build());
            case "HeartRate" -> List.of(heartRate(r, ctx, AppleUnits.perMinute(v, unit)));
            case "RestingHeartRate" -> List.of(interval(DataType.RESTING_HEART_RATE, r, ctx)
                    .value(AppleUnits.perMinute(v, unit), "/min").build());
            case "HeartRateVariabilitySDNN", "HeartRateVariabilityRMSSD" -> hrv(r, ctx, name, v, unit);
            case "OxygenSaturation" -> List.of(interval(DataType.OXYGEN_SATURATION, r, ctx)
                    .value(AppleUnits.percentOfFraction(v, unit), "%").build());
            case "RespiratoryRate" -> List.of(interval(DataType.RESPIRATORY_RATE, r, ctx)
                    .value(AppleUnits.perMinute(v, unit), "/min").build());
            case "BodyTemperature" -> List.of(interval(DataType.BODY_TEMPERATURE, r, ctx)
                    .value(AppleUnits.celsius(v, unit), "Cel").build());
            case "BodyMass" -> List.of(interval(DataType.BODY_WEIGHT, r, ctx)
                    .value(AppleUnits.kilograms(v, unit), "kg").build());
            case "BodyFatPercentage" -> List.of(interval(DataType.BODY_FAT, r, ctx)
                    .value(AppleUnits.percentOfFraction(v, unit), "%").build());
            case "BloodGlucose" -> List.of(interval(DataType.BLOOD_GLUCOSE, r, ctx)
                    .value(AppleUnits.mgPerDl(v, unit), "mg/dL")
                    .put("relation_to_meal", mealTime(r.path("metadata").path("HKBloodGlucoseMealTime").asText("")))
                    .build());
            case "BloodPressureSystolic", "BloodPressureDiastolic" -> throw new RecordSkipped(
                    "blood_pressure_in_correlation", "a blood pressure reading is read from its Correlation, which "
                                                     + "holds this record too");
            case "BasalEnergyBurned" -> throw new RecordSkipped("no_canonical_type",
                    "basal energy has no canonical type; never added to active energy");
            case AppleIntake.MENSTRUAL_FLOW -> List.of(AppleIntake.flow(r, interval(DataType.MENSTRUATION_FLOW, r, ctx)));
            case "HKCategoryTypeIdentifierSleepAnalysis" -> throw new MappingException(
                    "a sleep sample outside a night: the importer groups them into SleepNight elements");
            default -> {
                if (type.startsWith(HK + AppleIntake.DIETARY) && !name.equals("DietaryWater")) {
                    yield List.of(AppleIntake.dietary(name, v, unit, r, interval(DataType.NUTRITION, r, ctx)));
                }
                throw new RecordSkipped(name.equals("DietaryWater") ? "no_canonical_type" : "record_type_not_mapped",
                        "HealthKit " + type + " is not mapped");
            }
        };
    }

    private static CanonicalEvent heartRate(JsonNode r, MappingContext ctx, BigDecimal bpm) {
        OffsetDateTime start = AppleTimes.field(r, "startDate");
        EventBuilder b = interval(DataType.HEART_RATE, r, ctx).put("unit", "/min")
                .samples(new Samples().add(start, bpm).toJson());
        if (r.has("min") && r.has("max")) {
            // a companion app's aggregate of a period: its average as the sample, and its extremes
            b.put("min", AppleUnits.perMinute(Records.number(r, "min"), r.path("unit").asText(null)))
                    .put("max", AppleUnits.perMinute(Records.number(r, "max"), r.path("unit").asText(null)))
                    .put("avg", bpm);
        }
        String motion = r.path("metadata").path("HKMetadataKeyHeartRateMotionContext").asText("");
        return b.put("motion_context", switch (motion) {
            case "1" -> "sedentary";
            case "2" -> "active";
            default -> null;
        }).build();
    }

    /**
     * HRV with its method (HealthKit's is SDNN; never stored as RMSSD), and the beat-to-beat heart rates the Watch
     * records with it as a heart-rate series, their times of day placed on the record's date.
     */
    private static List<CanonicalEvent> hrv(JsonNode r, MappingContext ctx, String name, BigDecimal v, String unit) {
        boolean sdnn = name.endsWith("SDNN");
        EventBuilder b = interval(DataType.HEART_RATE_VARIABILITY, r, ctx).put("method", sdnn ? "sdnn" : "rmssd")
                .value(AppleUnits.millis(v, unit), "ms");
        List<CanonicalEvent> out = new ArrayList<>();
        JsonNode beats = r.path("beats");
        if (beats.isArray() && !beats.isEmpty()) {
            OffsetDateTime start = AppleTimes.field(r, "startDate");
            Samples samples = new Samples();
            for (JsonNode beat : beats) {
                OffsetDateTime t = AppleTimes.timeOfDay(beat.path("time").asText(null), start);
                if (t == null) {
                    samples = null;
                    break;
                }
                samples.add(t, Records.toNumber(beat.path("bpm"), "InstantaneousBeatsPerMinute/@bpm"));
            }
            if (samples == null) {
                b.omitted("instantaneous_bpm", "the beats' times of day are in a form this does not read");
            } else {
                out.add(common(DataType.HEART_RATE, r, ctx, "beats").put("unit", "/min")
                        .interval(samples.first(), samples.last()).samples(samples.toJson())
                        .put("context", "heart_rate_variability_measurement").build());
            }
        }
        out.add(0, b.build());
        return out;
    }

    /**
     * Blood pressure from its Correlation (its two Records also appear at the top level, skipped there); a Food
     * correlation the other way round ({@link AppleIntake}).
     */
    private static CanonicalEvent correlation(JsonNode r, MappingContext ctx) {
        String type = Records.text(r, "type");
        if ("HKCorrelationTypeIdentifierFood".equals(type)) {
            throw new RecordSkipped("food_read_from_its_records", "a food's samples are read where the export "
                                                                  + "repeats them at the top level");
        }
        if (!"HKCorrelationTypeIdentifierBloodPressure".equals(type)) {
            throw new RecordSkipped("record_type_not_mapped", "HealthKit " + type + " is not mapped");
        }
        BigDecimal sys = null;
        BigDecimal dia = null;
        for (JsonNode c : r.path("records")) {
            String t = c.path("type").asText();
            if (t.endsWith("BloodPressureSystolic")) {
                sys = AppleUnits.mmHg(value(c), c.path("unit").asText(null));
            } else if (t.endsWith("BloodPressureDiastolic")) {
                dia = AppleUnits.mmHg(value(c), c.path("unit").asText(null));
            }
        }
        if (sys == null || dia == null) {
            throw new MappingException("a blood pressure correlation needs a systolic and a diastolic record");
        }
        return interval(DataType.BLOOD_PRESSURE, r, ctx).quantity("systolic", sys, "mm[Hg]")
                .quantity("diastolic", dia, "mm[Hg]").build();
    }

    /** A day's Activity rings: its date has no time or offset; the day is placed at the export's offset. */
    private static CanonicalEvent activitySummary(JsonNode r, MappingContext ctx) {
        var day = Records.date(Records.text(r, "dateComponents"), "dateComponents");
        var zone = ctx.zone();
        EventBuilder b = common(DataType.DAILY_ACTIVITY, r, ctx, day.toString())
                .interval(day.atStartOfDay(zone).toOffsetDateTime(), day.plusDays(1).atStartOfDay(zone)
                        .toOffsetDateTime())
                .estimated("start", "a local day with no offset, placed at the export's UTC offset")
                .put("date", day.toString());
        BigDecimal energy = Records.optNumber(r, "activeEnergyBurned");
        if (energy != null) {
            b.quantity("active_energy", AppleUnits.kcal(energy, r.path("activeEnergyBurnedUnit").asText("kcal")),
                    "kcal");
        }
        BigDecimal exercise = Records.optNumber(r, "appleExerciseTime");
        if (exercise != null) {
            b.quantity("active_duration", exercise.multiply(BigDecimal.valueOf(60)), "s");
        }
        if (Records.has(r, "appleStandHours") || Records.has(r, "activeEnergyBurnedGoal")) {
            b.omitted("goals_stand_hours", "ring goals and stand hours have no canonical place");
        }
        return b.build();
    }

    private static CanonicalEvent sleepNight(JsonNode r, MappingContext ctx) {
        List<AppleSleep.Stage> stages = new ArrayList<>();
        JsonNode first = null;
        for (JsonNode s : r.path("records")) {
            first = first == null ? s : first;
            stages.add(new AppleSleep.Stage(AppleTimes.field(s, "startDate"), AppleTimes.field(s, "endDate"),
                    AppleSleep.stageOfExportValue(s.path("value").asText(null))));
        }
        if (first == null) {
            throw new MappingException("a night with no sleep samples");
        }
        return AppleSleep.session(common(DataType.SLEEP_SESSION, first, ctx, "night").raw(r), stages);
    }

    /** An event over the record's {@code startDate}–{@code endDate}. */
    static EventBuilder interval(DataType type, JsonNode r, MappingContext ctx) {
        return common(type, r, ctx, null).interval(AppleTimes.field(r, "startDate"), AppleTimes.field(r, "endDate"));
    }

    /**
     * Provenance: the writing app ({@code sourceName}), the device, and the record's own key: the sample id a companion
     * app sends ({@code id}), or for an export, which has none, a digest of what identifies the sample ({@code part}
     * names a second event of the same record).
     */
    static EventBuilder common(DataType type, JsonNode r, MappingContext ctx, String part) {
        String device = r.path("device").asText(null);
        String id = r.path("id").asText("");
        String key = !id.isEmpty() ? id + (part == null ? "" : ":" + part)
                : "export:" + EventJson.sha256(String.join("|", r.path("type").asText(""),
                        AppleDevice.sourceKey(r.path("sourceName").asText(null), device),
                        r.path("startDate").asText(""), r.path("endDate").asText(""), r.path("value").asText(""),
                        r.path("unit").asText(""), part == null ? "" : part)).substring(0, 32);
        EventBuilder b = EventBuilder.of(type, ctx).raw(r).sourceRecordId(key)
                .sourceApp(r.path("sourceName").asText(null))
                .device(r.has("source") ? OpenWearablesSync.device(r.get("source")) : AppleDevice.of(device));
        if (r.hasNonNull(ESTIMATED)) {
            b.estimated("value", r.get(ESTIMATED).asText());
        }
        if (r.hasNonNull(ESTIMATED + "Period")) {
            b.estimated("end", r.get(ESTIMATED + "Period").asText());
        }
        return b;
    }

    static BigDecimal value(JsonNode r) {
        return Records.toNumber(r.get("value"), "the record's value");
    }

    /** {@code HKBloodGlucoseMealTime}: 1 before a meal, 2 after. */
    static String mealTime(String v) {
        return switch (v) {
            case "1" -> "before_meal";
            case "2" -> "after_meal";
            default -> null;
        };
    }
}
