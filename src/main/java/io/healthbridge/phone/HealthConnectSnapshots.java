package io.healthbridge.phone;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.healthconnect.HealthConnectMapper;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;

/**
 * Health Connect snapshots (contract {@code health-connect.md} §7.1): "{@code records} holds every record of this type
 * in this window, for these origins". After a phone lost its changes token, deletions it never saw are found this way:
 * each stored event of the type, the user and Health Connect, starting in the window, from one of the origins (any
 * when none are named), whose record is not in the batch, is deleted (replaced by a tombstone).
 */
final class HealthConnectSnapshots {

    static final int MAX_SNAPSHOTS = 100;
    /** The record classes a snapshot may name, and the canonical type their events have. */
    static final Map<String, DataType> TYPES = Map.ofEntries(Map.entry("StepsRecord", DataType.STEPS),
            Map.entry("HeartRateRecord", DataType.HEART_RATE),
            Map.entry("RestingHeartRateRecord", DataType.RESTING_HEART_RATE),
            Map.entry("HeartRateVariabilityRmssdRecord", DataType.HEART_RATE_VARIABILITY),
            Map.entry("SleepSessionRecord", DataType.SLEEP_SESSION), Map.entry("DistanceRecord", DataType.DISTANCE),
            Map.entry("ActiveCaloriesBurnedRecord", DataType.ACTIVE_ENERGY),
            Map.entry("OxygenSaturationRecord", DataType.OXYGEN_SATURATION),
            Map.entry("RespiratoryRateRecord", DataType.RESPIRATORY_RATE),
            Map.entry("BodyTemperatureRecord", DataType.BODY_TEMPERATURE),
            Map.entry("WeightRecord", DataType.BODY_WEIGHT), Map.entry("BodyFatRecord", DataType.BODY_FAT),
            Map.entry("BloodPressureRecord", DataType.BLOOD_PRESSURE),
            Map.entry("BloodGlucoseRecord", DataType.BLOOD_GLUCOSE),
            Map.entry("ExerciseSessionRecord", DataType.WORKOUT));

    private HealthConnectSnapshots() {
    }

    /** What is wrong with the batch's snapshots, or null. */
    static String problem(JsonNode snapshots) {
        if (snapshots == null || snapshots.isNull()) {
            return null;
        }
        if (!snapshots.isArray() || snapshots.size() > MAX_SNAPSHOTS) {
            return "snapshots must be an array of at most " + MAX_SNAPSHOTS;
        }
        for (JsonNode s : snapshots) {
            if (!TYPES.containsKey(s.path("recordType").asText(""))) {
                return "a snapshot's recordType must be one of " + new java.util.TreeSet<>(TYPES.keySet());
            }
            Instant start = instant(s.get("startTime"));
            Instant end = instant(s.get("endTime"));
            if (start == null || end == null || !start.isBefore(end)) {
                return "a snapshot needs startTime before endTime (ISO-8601 times with an offset)";
            }
            JsonNode origins = s.get("dataOrigins");
            if (origins != null && !origins.isNull() && (!origins.isArray() || origins.size() > 100)) {
                return "a snapshot's dataOrigins must be an array of at most 100 package names";
            }
        }
        return null;
    }

    /** The deletions the batch's snapshots imply: records held but not listed. */
    static List<Deletion> unlisted(String user, JsonNode body, EventStore events) {
        Set<String> listed = new HashSet<>();
        for (JsonNode r : body.path("records")) {
            listed.add(r.path("metadata").path("id").asText(""));
        }
        List<Deletion> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode s : body.path("snapshots")) {
            DataType type = TYPES.get(s.get("recordType").asText());
            Instant start = instant(s.get("startTime"));
            Instant end = instant(s.get("endTime"));
            Set<String> origins = new HashSet<>();
            s.path("dataOrigins").forEach(o -> origins.add(o.asText()));
            long after = 0;
            for (List<StoredEvent> page; !(page = events.after(after, type.eventType(), user,
                    HealthConnectMapper.PROVIDER, 1000)).isEmpty(); after = page.get(page.size() - 1).seq()) {
                for (StoredEvent e : page) {
                    JsonNode data = EventJson.read(e.payload()).path("data");
                    String record = data.path("provenance").path("source_record_id").asText("");
                    Instant at = instant(data.get("start"));
                    if (record.isEmpty() || listed.contains(record) || at == null || at.isBefore(start)
                        || !at.isBefore(end) || !origins.isEmpty()
                                                && !origins.contains(data.path("provenance").path("source_app").asText())) {
                        continue;
                    }
                    if (seen.add(record)) {
                        out.add(new Deletion(record, List.of(type), "health connect: snapshot"));
                    }
                }
            }
        }
        return out;
    }

    private static Instant instant(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(n.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
