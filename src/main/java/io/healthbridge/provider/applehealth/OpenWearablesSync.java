package io.healthbridge.provider.applehealth;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.Records;

/**
 * The Open Wearables SDK's sync request (contract {@code apple-health.md} §5.1): HealthKit samples with their own ids,
 * UTC times and the phone's offset, the writing source as an object. Each item is rewritten into the shape of an
 * export element (times at their offset, metadata as an object, the source kept), so one mapping serves both: records;
 * blood pressure as the two records sharing a {@code parentId}; sleep stages grouped per source into nights; workouts
 * with their {@code values} as totals. What cannot be read becomes an item that fails alone.
 */
final class OpenWearablesSync {

    private OpenWearablesSync() {
    }

    static List<JsonNode> records(JsonNode payload) {
        JsonNode data = payload.path("data");
        List<JsonNode> out = new ArrayList<>();
        Map<String, List<ObjectNode>> pressure = new LinkedHashMap<>();
        for (JsonNode r : data.path("records")) {
            ObjectNode rec;
            try {
                rec = sample(r, "Record");
            } catch (MappingException e) {
                out.add(invalid(r, e));
                continue;
            }
            rec.put("type", r.path("type").asText(""));
            copy(r, rec, "unit");
            copy(r, rec, "value");
            String type = r.path("type").asText("");
            if (type.endsWith("BloodPressureSystolic") || type.endsWith("BloodPressureDiastolic")) {
                String parent = r.path("parentId").asText("");
                if (!parent.isEmpty()) {
                    pressure.computeIfAbsent(parent, k -> new ArrayList<>()).add(rec);
                    continue;
                }
            }
            out.add(rec);
        }
        pressure.forEach((parent, pair) -> {
            ObjectNode c = pair.get(0).deepCopy();
            c.put("element", "Correlation").put("type", "HKCorrelationTypeIdentifierBloodPressure").put("id", parent);
            c.remove(List.of("unit", "value"));
            ArrayNode children = c.putArray("records");
            pair.forEach(children::add);
            out.add(c);
        });
        List<ObjectNode> stages = new ArrayList<>();
        for (JsonNode s : data.path("sleep")) {
            ObjectNode stage;
            try {
                stage = sample(s, "Record");
            } catch (MappingException e) {
                out.add(invalid(s, e));
                continue;
            }
            stage.put("type", "HKCategoryTypeIdentifierSleepAnalysis").put("value", stage(s.path("stage").asText("")));
            stages.add(stage);
        }
        for (List<ObjectNode> night : AppleSleep.nights(stages, n -> n.path("sourceName").asText(""),
                n -> time(n, "startDate"), n -> time(n, "endDate"))) {
            ObjectNode n = night.get(0).deepCopy();
            n.put("element", "SleepNight");
            n.remove(List.of("type", "value"));
            ArrayNode list = n.putArray("records");
            night.forEach(list::add);
            out.add(n);
        }
        for (JsonNode w : data.path("workouts")) {
            try {
                out.add(workout(w));
            } catch (MappingException e) {
                out.add(invalid(w, e));
            }
        }
        return out;
    }

    /** An item that cannot be read: it fails alone, as a mapping error with the item kept. */
    static ObjectNode invalid(JsonNode item, MappingException e) {
        ObjectNode o = EventJson.object();
        o.put("element", AppleHealthMapper.INVALID).put("error", e.getMessage()).set("item", item);
        return o;
    }

    /** The item's id, times at its offset, source and metadata, as an export element. */
    private static ObjectNode sample(JsonNode r, String element) {
        ObjectNode o = EventJson.object();
        o.put("element", element);
        copy(r, o, "id");
        ZoneOffset offset = r.hasNonNull("zoneOffset") ? Records.offset(r.get("zoneOffset").asText(), "zoneOffset")
                : ZoneOffset.UTC;
        for (String field : List.of("startDate", "endDate")) {
            if (r.hasNonNull(field)) {
                OffsetDateTime t = AppleTimes.parse(r.get(field).asText(), "'" + field + "'");
                o.put(field, t.toInstant().atOffset(offset).toString());
            }
        }
        JsonNode source = r.path("source");
        if (source.isObject()) {
            o.set("source", source);
            copy(source, o, "name", "sourceName");
        }
        ObjectNode metadata = o.putObject("metadata");
        for (JsonNode m : r.path("metadata")) {
            if (m.hasNonNull("key")) {
                metadata.put(m.get("key").asText(), m.path("value").asText(""));
            }
        }
        return o;
    }

    private static ObjectNode workout(JsonNode w) {
        ObjectNode o = sample(w, "Workout");
        o.put("workoutActivityType", w.path("type").asText("other"));
        ArrayNode statistics = o.putArray("statistics");
        ObjectNode hr = EventJson.object();
        for (JsonNode v : w.path("values")) {
            String type = v.path("type").asText("");
            String unit = v.path("unit").asText(null);
            JsonNode value = v.get("value");
            switch (type) {
                case "duration" -> quantity(o, "duration", value, "durationUnit", unit);
                case "distance" -> quantity(o, "totalDistance", value, "totalDistanceUnit", unit);
                case "activeEnergyBurned" -> quantity(o, "totalEnergyBurned", value, "totalEnergyBurnedUnit", unit);
                case "averageHeartRate" -> quantity(hr, "average", value, "unit", unit);
                case "minHeartRate" -> quantity(hr, "minimum", value, "unit", unit);
                case "maxHeartRate" -> quantity(hr, "maximum", value, "unit", unit);
                default -> { }
            }
        }
        if (!hr.isEmpty()) {
            statistics.add(hr.put("type", "HKQuantityTypeIdentifierHeartRate"));
        }
        return o;
    }

    /** The SDK's stage names as HealthKit's values ({@code inBed} as its own fixtures send it, too). */
    private static String stage(String stage) {
        return "HKCategoryValueSleepAnalysis" + switch (stage) {
            case "in_bed", "inBed" -> "InBed";
            case "sleeping", "asleep" -> "AsleepUnspecified";
            case "light", "core" -> "AsleepCore";
            case "deep" -> "AsleepDeep";
            case "rem" -> "AsleepREM";
            case "awake" -> "Awake";
            case "unknown" -> "Unknown";
            default -> "?" + stage;
        };
    }

    private static OffsetDateTime time(JsonNode n, String field) {
        return AppleTimes.field(n, field);
    }

    /** The SDK's source object as the canonical device. */
    static Device device(JsonNode s) {
        String model = s.hasNonNull("productType") ? s.get("productType").asText()
                : s.path("deviceHardwareVersion").asText(s.path("deviceModel").asText(null));
        String type = s.hasNonNull("deviceType") ? s.get("deviceType").asText()
                : AppleDevice.type(s.path("deviceModel").asText(null));
        Device d = new Device(s.path("name").asText(null), model, type, s.path("deviceManufacturer").asText(null));
        return d.name() == null && d.model() == null && d.manufacturer() == null ? null : d;
    }

    private static void quantity(ObjectNode o, String field, JsonNode value, String unitField, String unit) {
        o.set(field, value);
        o.put(unitField, unit);
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        copy(from, to, field, field);
    }

    private static void copy(JsonNode from, ObjectNode to, String field, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }
}
