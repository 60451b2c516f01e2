package io.healthbridge.provider.oura;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.offsetTime;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/**
 * Oura's daytime wellbeing collections: {@code daily_stress}, {@code daily_resilience} and {@code session} (Oura's
 * "Moments"). Field meanings from Oura's API v2 schemas (PublicDailyStress, DailyResilienceModel, PublicSession).
 */
final class OuraWellbeing {

    /** Oura's resilience levels, lowest first (LongTermResilienceLevel): the rank is the level's place here. */
    static final List<String> RESILIENCE_LEVELS = List.of("limited", "adequate", "solid", "strong", "exceptional");
    /** The Moments that are mindfulness practice (PublicMomentType). */
    static final Set<String> MINDFULNESS = Set.of("breathing", "meditation", "relaxation");
    /** The other Moments: a nap, a rest, a body status check. */
    static final Set<String> NOT_MINDFULNESS = Set.of("nap", "rest", "body_status");

    private OuraWellbeing() {
    }

    /**
     * Time of the day in high stress (the value) and in high recovery, in seconds: Oura counts the top and the bottom
     * quartile of the person's own daytime data, so the figures are relative to that person. {@code summary} is
     * Oura's word for the day (restored, normal, stressful).
     */
    static CanonicalEvent stress(JsonNode r, MappingContext ctx) {
        if (!has(r, "stress_high") && !has(r, "recovery_high")) {
            throw new RecordSkipped("no_stress_measured", "Oura daily_stress without stress or recovery time "
                                                          + "(not enough daytime data)");
        }
        OffsetDateTime start = day(r, ctx);
        return EventBuilder.of(DataType.DAILY_STRESS, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, start.plusDays(1))
                .value(optNumber(r, "stress_high"), "s")
                .quantity("high_recovery", optNumber(r, "recovery_high"), "s", "s")
                .put("summary", optText(r, "day_summary"))
                .put("provider_name", "Oura daytime stress").build();
    }

    /**
     * Oura's long-term resilience level of a day (limited to exceptional) as its rank on that ordinal scale (1-5),
     * with the level's own word and Oura's 0-100 contributors (sleep recovery, daytime recovery, stress).
     */
    static CanonicalEvent resilience(JsonNode r, MappingContext ctx) {
        String level = optText(r, "level");
        if (level == null) {
            throw new RecordSkipped("no_level", "Oura daily_resilience without a level (not enough data yet)");
        }
        int rank = RESILIENCE_LEVELS.indexOf(level) + 1;
        if (rank == 0) {
            throw new MappingException("Oura resilience level is not one of " + RESILIENCE_LEVELS);
        }
        ObjectNode contributors = EventJson.object();
        r.path("contributors").fields().forEachRemaining(c -> {
            if (c.getValue().isNumber() || c.getValue().isNull()) {
                contributors.set(c.getKey(), c.getValue());
            }
        });
        OffsetDateTime start = day(r, ctx);
        EventBuilder b = EventBuilder.of(DataType.RESILIENCE, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, start.plusDays(1)).value(rank, "{score}")
                .put("scale", EventJson.object().put("min", 1).put("max", RESILIENCE_LEVELS.size()))
                .put("level", level).put("provider_name", "Oura resilience");
        return contributors.isEmpty() ? b.build() : b.put("contributors", contributors).build();
    }

    /**
     * A breathing, meditation or relaxation Moment: its duration, kind and the mood the person chose. Its heart rate
     * is not repeated here: Oura's heartrate collection carries those samples (source {@code session}).
     */
    static CanonicalEvent session(JsonNode r, MappingContext ctx) {
        String type = text(r, "type");
        if (NOT_MINDFULNESS.contains(type)) {
            throw new RecordSkipped("not_mindfulness", "Oura session of type " + type + " is not a mindfulness "
                                                       + "session");
        }
        if (!MINDFULNESS.contains(type)) {
            throw new MappingException("Oura session type is not one of " + MINDFULNESS + " or " + NOT_MINDFULNESS);
        }
        OffsetDateTime start = offsetTime(r, "start_datetime");
        OffsetDateTime end = offsetTime(r, "end_datetime");
        return EventBuilder.of(DataType.MINDFULNESS_SESSION, ctx).raw(r).sourceRecordId(optText(r, "id"))
                .interval(start, end).value(Duration.between(start, end).toSeconds(), "s")
                .put("session_type", type).put("mood", optText(r, "mood")).build();
    }

    private static OffsetDateTime day(JsonNode r, MappingContext ctx) {
        return Records.date(text(r, "day"), "field 'day'").atStartOfDay(ctx.zone()).toOffsetDateTime();
    }
}
