package io.healthbridge.provider.withings;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.Samples;

/**
 * Sleep v2 {@code action=get}: the night at high frequency, one {@code series} entry per stretch of one sleep state
 * (the hypnogram), each with its vitals keyed by unix time: {@code hr} (bpm), {@code rr} (breaths per minute),
 * {@code rmssd} and {@code sdnn_1} (HRV in ms, over a few seconds and over one minute). A stretch's vitals become a
 * heart-rate, respiratory-rate and HRV series over that stretch, each carrying the stretch's {@code sleep_stage}, so
 * the hypnogram is the sequence of stages of a night's events; the night's stage totals are the sleep session of
 * {@code sleep_summary}. Snoring (seconds per time) has no canonical type.
 */
final class WithingsSleepSeries {

    /** Sleep v2 state values. */
    static final Map<Integer, String> STATES = Map.of(0, "awake", 1, "light", 2, "deep", 3, "rem", 4, "manual",
            5, "unspecified", 15, "out_of_bed");
    /** What each stretch is asked for ({@code data_fields}). */
    static final String DATA_FIELDS = "hr,rr,rmssd,sdnn_1,snoring";

    private WithingsSleepSeries() {
    }

    static List<CanonicalEvent> map(JsonNode r, MappingContext ctx) {
        long from = Records.longValue(r, "startdate");
        OffsetDateTime start = Records.epochSeconds(from, null, ctx.zone());
        OffsetDateTime end = Records.epochSeconds(Records.longValue(r, "enddate"), null, ctx.zone());
        int code = r.path("state").asInt(-1);
        String stage = STATES.get(code);
        if (stage == null) {
            throw new MappingException("sleep state " + r.path("state") + " is not one of Withings' "
                                       + new java.util.TreeSet<>(STATES.keySet()));
        }
        Device device = Records.has(r, "model")
                ? new Device(Records.optText(r, "model"), Records.optText(r, "model"), null, "Withings") : null;
        List<CanonicalEvent> events = new ArrayList<>();
        Samples hr = series(r, "hr", ctx);
        if (!hr.isEmpty()) {
            events.add(stretch(DataType.HEART_RATE, r, ctx, from, "hr", start, end, device, stage)
                    .put("unit", "/min").samples(hr.toJson()).put("min", hr.min()).put("max", hr.max())
                    .put("avg", hr.average()).build());
        }
        Samples rr = series(r, "rr", ctx);
        if (!rr.isEmpty()) {
            events.add(stretch(DataType.RESPIRATORY_RATE, r, ctx, from, "rr", start, end, device, stage)
                    .value(rr.average(), "/min").samples(rr.toJson()).build());
        }
        for (String field : List.of("rmssd", "sdnn_1")) {
            Samples hrv = series(r, field, ctx);
            if (!hrv.isEmpty()) {
                events.add(stretch(DataType.HEART_RATE_VARIABILITY, r, ctx, from, field, start, end, device, stage)
                        .put("method", field.equals("rmssd") ? "rmssd" : "sdnn").value(hrv.average(), "ms")
                        .samples(hrv.toJson()).build());
            }
        }
        if (events.isEmpty()) {
            throw new RecordSkipped("no_sleep_vitals", "a Withings sleep stretch with no heart rate, respiration or "
                                                       + "HRV value");
        }
        return events;
    }

    private static EventBuilder stretch(DataType type, JsonNode r, MappingContext ctx, long from, String field,
                                        OffsetDateTime start, OffsetDateTime end, Device device, String stage) {
        EventBuilder b = EventBuilder.of(type, ctx).raw(r).sourceRecordId("sleep:" + from + ":" + field)
                .interval(start, end).device(device).put("context", "sleep").put("sleep_stage", stage);
        if (Records.has(r, "snoring")) {
            b.omitted("snoring", "snoring time has no canonical type");
        }
        return b;
    }

    /** A {unix time: value} object as samples; null values (no reading at that time) are left out. */
    private static Samples series(JsonNode r, String field, MappingContext ctx) {
        Samples samples = new Samples();
        JsonNode values = r.get(field);
        if (values == null || values.isNull()) {
            return samples;
        }
        if (!values.isObject()) {
            throw new MappingException("sleep series '" + field + "' is not an object keyed by unix time");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                continue;
            }
            long t;
            try {
                t = Long.parseLong(e.getKey());
            } catch (NumberFormatException ex) {
                throw new MappingException("sleep series '" + field + "' has a key that is not a unix time");
            }
            BigDecimal v = Records.toNumber(e.getValue(), field);
            samples.add(Records.epochSeconds(t, null, ctx.zone()), v);
        }
        return samples;
    }
}
