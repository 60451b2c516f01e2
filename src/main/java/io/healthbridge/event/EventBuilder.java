package io.healthbridge.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds one canonical event: converts every quantity to its canonical UCUM unit, adds provenance, and derives the
 * stable {@code data.key} (provider, user, type, interval, source record) and the event {@code id} (key plus content,
 * without the fetch time), so a re-fetched identical record gets the same id and a revised one a new id.
 */
public final class EventBuilder {

    /** Canonical units of the quantity fields shared by several types. */
    private static final Map<String, String> FIELD_UNITS = Map.ofEntries(
            Map.entry("distance", "m"),
            Map.entry("energy", "kcal"),
            Map.entry("active_energy", "kcal"),
            Map.entry("total_energy", "kcal"),
            Map.entry("duration", "s"),
            Map.entry("time_in_bed", "s"),
            Map.entry("latency", "s"),
            Map.entry("active_duration", "s"),
            Map.entry("efficiency", "%"),
            Map.entry("steps", "{steps}"),
            Map.entry("systolic", "mm[Hg]"),
            Map.entry("diastolic", "mm[Hg]"),
            Map.entry("pulse", "/min"));

    /** Decimals a canonical quantity keeps: a gram, a metre's thousandth, a thousandth of a beat. */
    private static final int SCALE = 3;
    /** A height in metres keeps a tenth of a millimetre: WHOOP's 6 ft is 1.8288 m, not 1.829. */
    private static final int HEIGHT_SCALE = 4;

    private final DataType type;
    private final MappingContext context;
    private final ObjectNode data = EventJson.object();
    private final ObjectNode provenance = EventJson.object();
    private final ArrayNode estimated = EventJson.MAPPER.createArrayNode();
    private final ArrayNode omitted = EventJson.MAPPER.createArrayNode();
    private OffsetDateTime start;
    private OffsetDateTime end;
    private String sourceRecordId;
    private String sourceApp;
    private Long sourceRecordVersion;

    private EventBuilder(DataType type, MappingContext context) {
        this.type = type;
        this.context = context;
    }

    public static EventBuilder of(DataType type, MappingContext context) {
        return new EventBuilder(type, context);
    }

    /** The measurement interval; for a point measurement start and end are the same instant. */
    public EventBuilder interval(OffsetDateTime start, OffsetDateTime end) {
        if (start == null) {
            throw new MappingException("no start time");
        }
        if (end != null && end.isBefore(start)) {
            throw new MappingException("end " + end + " is before start " + start);
        }
        this.start = start;
        this.end = end == null ? start : end;
        return this;
    }

    public EventBuilder at(OffsetDateTime time) {
        return interval(time, time);
    }

    public EventBuilder sourceRecordId(String id) {
        this.sourceRecordId = id;
        return this;
    }

    /** The record's version at its source (Health Connect's {@code clientRecordVersion}); not part of the id. */
    public EventBuilder sourceRecordVersion(Long version) {
        this.sourceRecordVersion = version;
        return this;
    }

    /** The app on the phone that wrote the record (a phone store keeps every app's data side by side). */
    public EventBuilder sourceApp(String app) {
        this.sourceApp = app;
        return this;
    }

    public EventBuilder device(Device device) {
        if (device != null) {
            ObjectNode d = EventJson.object();
            putIfNotNull(d, "name", device.name());
            putIfNotNull(d, "model", device.model());
            putIfNotNull(d, "type", device.type());
            putIfNotNull(d, "manufacturer", device.manufacturer());
            if (!d.isEmpty()) {
                provenance.set("device", d);
            }
        }
        return this;
    }

    /**
     * Marks a field as derived by a rule rather than measured (kilojoules of work taken as kilocalories, a date taken
     * from a start time and an offset), so a consumer can tell an estimate from a reading.
     */
    public EventBuilder estimated(String field, String rule) {
        estimated.addObject().put("field", field).put("rule", rule);
        return this;
    }

    /** Says what the provider record carried that this event leaves out, and why (never silently). */
    public EventBuilder omitted(String field, String reason) {
        omitted.addObject().put("field", field).put("reason", reason);
        return this;
    }

    /** The provider record this event came from; only its digest is kept. */
    public EventBuilder raw(JsonNode raw) {
        provenance.put("raw_digest", "sha256:" + EventJson.digest(raw));
        return this;
    }

    /** The type's main quantity as {@code value}, converted from {@code unit} to the type's canonical unit. */
    public EventBuilder value(Number value, String unit) {
        if (value != null && type == DataType.BODY_HEIGHT) {
            data.set("value", quantityNode(value, unit, type.unit(), HEIGHT_SCALE));
            return this;
        }
        return quantity("value", value, unit, type.unit());
    }

    /** A named quantity converted to the canonical unit of that field (or of the type). */
    public EventBuilder quantity(String field, Number value, String unit) {
        return quantity(field, value, unit, FIELD_UNITS.getOrDefault(field, type.unit()));
    }

    public EventBuilder quantity(String field, Number value, String unit, String canonicalUnit) {
        if (value == null) {
            return this;
        }
        data.set(field, quantityNode(value, unit, canonicalUnit));
        return this;
    }

    /** A time series: {@code [{time, value}]} in the type's canonical unit. */
    public EventBuilder samples(ArrayNode samples) {
        data.set("samples", samples);
        return this;
    }

    public EventBuilder put(String field, JsonNode value) {
        if (value != null && !value.isNull()) {
            data.set(field, value);
        }
        return this;
    }

    public EventBuilder put(String field, String value) {
        if (value != null) {
            data.put(field, value);
        }
        return this;
    }

    public EventBuilder put(String field, Number value) {
        if (value != null) {
            data.set(field, EventJson.MAPPER.valueToTree(number(value)));
        }
        return this;
    }

    public EventBuilder put(String field, Boolean value) {
        if (value != null) {
            data.put(field, value);
        }
        return this;
    }

    public static ObjectNode quantityNode(Number value, String unit, String canonicalUnit) {
        return quantityNode(value, unit, canonicalUnit, SCALE);
    }

    private static ObjectNode quantityNode(Number value, String unit, String canonicalUnit, int scale) {
        BigDecimal converted = Units.convert(toBigDecimal(value), unit, canonicalUnit, scale);
        ObjectNode q = EventJson.object();
        q.put("value", converted);
        q.put("unit", canonicalUnit);
        return q;
    }

    /** Converts a value to the type's canonical unit, for samples. */
    public BigDecimal convert(Number value, String unit) {
        return Units.convert(toBigDecimal(value), unit, type.unit(), SCALE);
    }

    public CanonicalEvent build() {
        if (start == null) {
            throw new MappingException("no measurement time");
        }
        ObjectNode out = EventJson.object();
        String startText = format(start);
        String endText = format(end);
        String keySource = String.join("|", context.provider(), context.userId(), type.id(), startText, endText,
                sourceRecordId == null ? "" : sourceRecordId);
        String key = context.provider() + ":" + type.id() + ":" + EventJson.sha256(keySource).substring(0, 32);
        out.put("key", key);
        out.put("user_id", context.userId());
        out.put("provider", context.provider());
        out.put("data_type", type.id());
        out.put("start", startText);
        out.put("end", endText);
        if (type.loinc() != null) {
            out.set("code", type.loinc().toJson());
        }
        out.setAll(data);

        // the id covers the key and the measurement content, not when or how often it was fetched
        String id = EventJson.sha256(key + "\n" + EventJson.write(EventJson.canonical(out))).substring(0, 32);

        ObjectNode prov = EventJson.object();
        prov.put("provider", context.provider());
        putIfNotNull(prov, "provider_user_id", context.providerUserId());
        if (provenance.has("device")) {
            prov.set("device", provenance.get("device"));
        }
        putIfNotNull(prov, "source_app", sourceApp);
        putIfNotNull(prov, "source_record_id", sourceRecordId);
        if (sourceRecordVersion != null) {
            prov.put("source_record_version", sourceRecordVersion);
        }
        prov.put("fetched_at", context.fetchedAt().toString());
        if (provenance.has("raw_digest")) {
            prov.set("raw_digest", provenance.get("raw_digest"));
        }
        if (!estimated.isEmpty()) {
            prov.set("estimated", estimated);
        }
        if (!omitted.isEmpty()) {
            prov.set("omitted", omitted);
        }
        out.set("provenance", prov);
        return new CanonicalEvent(id, type, context.userId(), startText, out);
    }

    public static String format(OffsetDateTime time) {
        return time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    public static String format(Instant instant) {
        return instant.toString();
    }

    private static void putIfNotNull(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    static BigDecimal toBigDecimal(Number value) {
        if (value instanceof BigDecimal b) {
            return b;
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new MappingException("not a finite number: " + d);
        }
        return new BigDecimal(value.toString());
    }

    private static Number number(Number value) {
        return value instanceof Double || value instanceof Float ? toBigDecimal(value).stripTrailingZeros() : value;
    }
}
