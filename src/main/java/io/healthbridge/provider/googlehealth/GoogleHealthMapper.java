package io.healthbridge.provider.googlehealth;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;
import io.healthbridge.provider.SleepStages;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optText;

/**
 * Google Health API v4 data points into canonical events. From the contract: samples carry
 * {@code sampleTime{physicalTime, utcOffset}}, intervals {@code interval{startTime, endTime}}, daily records a civil
 * {@code date}, heart rate {@code heartRate.beatsPerMinute}. The value field of the other types is not documented
 * in the contract; the names used here ({@code steps.count}, {@code weight.weightGrams}, …) are this project's
 * assumption, shared with the simulator, and listed in README.
 */
public class GoogleHealthMapper {

    public Set<String> datasets() {
        return Set.of("heart-rate", "steps", "distance", "weight", "body-fat", "oxygen-saturation",
                "daily-resting-heart-rate", "heart-rate-variability", "sleep", "exercise");
    }

    public List<JsonNode> records(JsonNode payload) {
        return Records.arrayOrField(payload, "dataPoints");
    }

    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        String id = optText(r, "name");
        Device device = has(r.path("dataSource"), "device")
                ? Device.named(optText(r.path("dataSource").path("device"), "displayName")) : null;
        return switch (dataset) {
            case "heart-rate" -> {
                EventBuilder b = EventBuilder.of(DataType.HEART_RATE, ctx).raw(r).sourceRecordId(id).device(device)
                        .put("unit", "/min");
                yield List.of(new Samples().add(sampleTime(r), b.convert(number(r.path("heartRate"), "beatsPerMinute"),
                        "/min")).applyTo(b).build());
            }
            case "steps" -> List.of(interval(DataType.STEPS, r, ctx, id, device)
                    .value(number(Records.field(r, "steps"), "count"), "{steps}").build());
            case "distance" -> List.of(interval(DataType.DISTANCE, r, ctx, id, device)
                    .value(number(Records.field(r, "distance"), "meters"), "m").build());
            case "weight" -> List.of(point(DataType.BODY_WEIGHT, r, ctx, id, device)
                    .value(number(Records.field(r, "weight"), "weightGrams"), "g").build());
            case "body-fat" -> List.of(point(DataType.BODY_FAT, r, ctx, id, device)
                    .value(number(Records.field(r, "bodyFat"), "percentage"), "%").build());
            case "oxygen-saturation" -> List.of(point(DataType.OXYGEN_SATURATION, r, ctx, id, device)
                    .value(number(Records.field(r, "oxygenSaturation"), "percentage"), "%").build());
            case "heart-rate-variability" -> List.of(point(DataType.HEART_RATE_VARIABILITY, r, ctx, id, device)
                    .put("method", "rmssd")
                    .value(number(Records.field(r, "heartRateVariability"),
                            "rootMeanSquareOfSuccessiveDifferencesMilliseconds"), "ms").build());
            case "daily-resting-heart-rate" -> {
                LocalDate day = civilDate(Records.field(r, "date"));
                OffsetDateTime start = day.atStartOfDay(ctx.zone()).toOffsetDateTime();
                yield List.of(EventBuilder.of(DataType.RESTING_HEART_RATE, ctx).raw(r).sourceRecordId(id != null ? id
                                : day.toString()).device(device).interval(start, start.plusDays(1))
                        .value(number(Records.field(r, "dailyRestingHeartRate"), "beatsPerMinute"), "/min").build());
            }
            case "sleep" -> List.of(sleep(r, ctx, id, device));
            case "exercise" -> List.of(exercise(r, ctx, id, device));
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    private static EventBuilder point(DataType type, JsonNode r, MappingContext ctx, String id, Device device) {
        return EventBuilder.of(type, ctx).raw(r).sourceRecordId(id).device(device).at(sampleTime(r));
    }

    private static EventBuilder interval(DataType type, JsonNode r, MappingContext ctx, String id, Device device) {
        JsonNode i = Records.field(r, "interval");
        return EventBuilder.of(type, ctx).raw(r).sourceRecordId(id).device(device)
                .interval(time(i, "startTime", "startUtcOffset"), time(i, "endTime", "endUtcOffset"));
    }

    static OffsetDateTime sampleTime(JsonNode r) {
        return time(Records.field(r, "sampleTime"), "physicalTime", "utcOffset");
    }

    /** A UTC timestamp shown at its {@code utcOffset} (protobuf Duration JSON: {@code "3600s"}). */
    static OffsetDateTime time(JsonNode node, String field, String offsetField) {
        OffsetDateTime t = Records.offsetTime(node, field);
        String offset = optText(node, offsetField);
        if (offset == null) {
            return t;
        }
        if (!offset.endsWith("s")) {
            throw new MappingException("field '" + offsetField + "' is not a duration such as 3600s: '" + offset + "'");
        }
        try {
            long seconds = new BigDecimal(offset.substring(0, offset.length() - 1)).longValueExact();
            return t.toInstant().atOffset(ZoneOffset.ofTotalSeconds((int) seconds));
        } catch (ArithmeticException | NumberFormatException | DateTimeException e) {
            throw new MappingException("field '" + offsetField + "' is not a UTC offset: '" + offset + "'");
        }
    }

    static LocalDate civilDate(JsonNode d) {
        try {
            return LocalDate.of(d.path("year").asInt(), d.path("month").asInt(), d.path("day").asInt());
        } catch (DateTimeException e) {
            throw new MappingException("field 'date' is not a civil date: " + d);
        }
    }

    private static CanonicalEvent sleep(JsonNode r, MappingContext ctx, String id, Device device) {
        EventBuilder b = interval(DataType.SLEEP_SESSION, r, ctx, id, device);
        JsonNode i = r.get("interval");
        OffsetDateTime start = time(i, "startTime", "startUtcOffset");
        ZoneOffset offset = start.getOffset();
        SleepStages.Segments segments = new SleepStages.Segments();
        long deep = 0;
        long light = 0;
        long rem = 0;
        long awake = 0;
        for (JsonNode s : Records.array(Records.field(r, "sleep"), "stages")) {
            OffsetDateTime from = Records.offsetTime(s, "startTime").toInstant().atOffset(offset);
            OffsetDateTime to = Records.offsetTime(s, "endTime").toInstant().atOffset(offset);
            long seconds = Duration.between(from, to).toSeconds();
            String stage = switch (Records.text(s, "type")) {
                case "DEEP" -> "deep";
                case "LIGHT" -> "light";
                case "REM" -> "rem";
                case "AWAKE", "OUT_OF_BED" -> "awake";
                default -> "unknown";
            };
            switch (stage) {
                case "deep" -> deep += seconds;
                case "light" -> light += seconds;
                case "rem" -> rem += seconds;
                case "awake" -> awake += seconds;
                default -> { }
            }
            segments.add(stage, from, to);
        }
        SleepStages stages = new SleepStages().add("deep", deep, "s").add("light", light, "s").add("rem", rem, "s")
                .add("awake", awake, "s");
        return b.quantity("duration", stages.asleepSeconds(), "s").put("stages", stages.toJson())
                .put("segments", segments.toJson()).build();
    }

    private static CanonicalEvent exercise(JsonNode r, MappingContext ctx, String id, Device device) {
        JsonNode e = Records.field(r, "exercise");
        JsonNode i = r.get("interval");
        OffsetDateTime start = time(Records.field(r, "interval"), "startTime", "startUtcOffset");
        OffsetDateTime end = time(i, "endTime", "endUtcOffset");
        String type = Records.text(e, "exerciseType");
        return EventBuilder.of(DataType.WORKOUT, ctx).raw(r).sourceRecordId(id).device(device).interval(start, end)
                .put("sport", Records.snake(type)).put("provider_sport", type)
                .put("name", optText(e, "displayName"))
                .quantity("duration", Duration.between(start, end).toSeconds(), "s")
                .quantity("distance", Records.optNumber(e, "distanceMeters"), "m")
                .quantity("energy", Records.optNumber(e, "caloriesKcal"), "kcal")
                .build();
    }
}
