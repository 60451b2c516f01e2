package io.healthbridge.provider.garmin;

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
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Samples;

import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.garmin.GarminMapper.id;
import static io.healthbridge.provider.garmin.GarminMapper.measured;
import static io.healthbridge.provider.garmin.GarminMapper.offsets;
import static io.healthbridge.provider.garmin.GarminMapper.start;

/** Garmin's readings of a moment or a span that are not days or nights: body composition, blood pressure, stress. */
final class GarminReadings {

    private GarminReadings() {
    }

    /**
     * A stress details summary: the stress level every 3 minutes (0-100, offsets from its start). Garmin marks
     * samples it could not score with negative values (-1 not enough data, -2 too much motion): they are not
     * levels, and are left out, counted in {@code provenance.omitted}. Body Battery has no canonical type yet.
     */
    static CanonicalEvent stress(JsonNode r, MappingContext ctx) {
        OffsetDateTime start = start(r);
        EventBuilder b = EventBuilder.of(DataType.STRESS_LEVEL, ctx).raw(r).sourceRecordId(id(r)).put("unit", "{score}");
        Samples all = offsets(r.get("timeOffsetStressLevelValues"), start, b, "{score}");
        Samples samples = all.atLeast(BigDecimal.ZERO);
        int unscored = all.size() - samples.size();
        if (samples.isEmpty()) {
            throw new RecordSkipped("no_stress_measured", "Garmin stress details with no scored level ("
                                                          + unscored + " unscored)");
        }
        if (unscored > 0) {
            b.omitted("timeOffsetStressLevelValues", unscored + " samples Garmin could not score (-1 not enough "
                                                     + "data, -2 too much motion)");
        }
        if (r.has("timeOffsetBodyBatteryValues")) {
            b.omitted("timeOffsetBodyBatteryValues", "Body Battery has no canonical type yet");
        }
        b.put("provider_name", "Garmin stress level").put("scale", EventJson.object().put("min", 0).put("max", 100));
        long duration = r.path("durationInSeconds").asLong(0);
        OffsetDateTime end = duration > 0 ? start.plusSeconds(duration) : samples.last();
        return b.interval(start, end.isBefore(samples.last()) ? samples.last() : end).samples(samples.toJson())
                .put("min", samples.min()).put("max", samples.max()).put("avg", samples.average()).build();
    }

    /** A body composition reading: each of its figures with a canonical type is an event; grams become kilograms. */
    static List<CanonicalEvent> bodyComp(JsonNode r, MappingContext ctx) {
        List<CanonicalEvent> events = new ArrayList<>();
        bodyFigure(events, r, ctx, "weightInGrams", DataType.BODY_WEIGHT, "g");
        bodyFigure(events, r, ctx, "bodyFatInPercent", DataType.BODY_FAT, "%");
        bodyFigure(events, r, ctx, "muscleMassInGrams", DataType.MUSCLE_MASS, "g");
        bodyFigure(events, r, ctx, "boneMassInGrams", DataType.BONE_MASS, "g");
        bodyFigure(events, r, ctx, "bodyMassIndex", DataType.BODY_MASS_INDEX, "kg/m2");
        return events;
    }

    private static void bodyFigure(List<CanonicalEvent> events, JsonNode r, MappingContext ctx, String field, DataType type,
            String unit) {
        BigDecimal value = optNumber(r, field);
        if (value == null) {
            return;
        }
        EventBuilder b = EventBuilder.of(type, ctx).raw(r).sourceRecordId(id(r)).at(measured(r)).value(value, unit);
        if (r.hasNonNull("bodyWaterInPercent")) {
            // body water is canonical as a mass; a share of the weight is not turned into one
            b.omitted("bodyWaterInPercent", "body water as a percentage of weight has no canonical type");
        }
        events.add(b.build());
    }

    static CanonicalEvent bloodPressure(JsonNode r, MappingContext ctx) {
        return EventBuilder.of(DataType.BLOOD_PRESSURE, ctx).raw(r).sourceRecordId(id(r)).at(measured(r))
                .quantity("systolic", number(r, "systolic"), "mm[Hg]")
                .quantity("diastolic", number(r, "diastolic"), "mm[Hg]")
                .quantity("pulse", optNumber(r, "pulse"), "/min")
                .put("source_type", optText(r, "sourceType"))
                .build();
    }
}
