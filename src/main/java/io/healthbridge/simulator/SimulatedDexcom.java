package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Dexcom v3 data endpoints. */
final class SimulatedDexcom extends SimulatedApi {

    SimulatedDexcom(Clock clock) {
        super(clock);
    }


    /** Estimated glucose values every 5 minutes; startDate/endDate are UTC without offset, as Dexcom takes them. */
    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
        if (!path.equals("/v3/users/self/egvs") && !path.equals("/v3/users/self/events")) {
            return null;
        }
        Instant from = LocalDateTime.parse(p.get("startDate")).toInstant(ZoneOffset.UTC);
        Instant to = min(LocalDateTime.parse(p.get("endDate")).toInstant(ZoneOffset.UTC), now());
        if (path.endsWith("/events")) {
            return events(user, from, to);
        }
        ObjectNode out = EventJson.object();
        out.put("recordType", "egv");
        out.put("recordVersion", "3.0");
        out.put("userId", user);
        ArrayNode records = out.putArray("records");
        for (long[] s : SyntheticData.heartRate(user, from, to)) {
            Instant t = Instant.ofEpochSecond(s[0]);
            int value = 95 + (int) (Math.sin(s[0] / 7200.0) * 25) + (int) (SyntheticData.noise(user, s[0] + 3) * 10);
            ObjectNode r = records.addObject();
            r.put("recordId", user + "-egv-" + s[0]);
            r.put("systemTime", t.toString());
            r.put("displayTime", local(t));
            r.put("transmitterId", "sim-tx");
            r.put("value", value);
            r.putNull("status");
            r.put("trend", value > 110 ? "singleUp" : "flat");
            r.put("unit", "mg/dL");
            r.put("rateUnit", "mg/dL/min");
            r.put("displayDevice", "iOS");
            r.put("transmitterGeneration", "g7");
        }
        return out;
    }

    /** What a person enters each day: insulin before lunch, the lunch's carbs, an evening run, a stress note. */
    private JsonNode events(String user, Instant from, Instant to) {
        ObjectNode out = EventJson.object();
        out.put("recordType", "event").put("recordVersion", "3.0").put("userId", user);
        ArrayNode records = out.putArray("records");
        for (LocalDate d : SyntheticData.days(from, to)) {
            event(records, user, d, LocalTime.of(12, 25), "insulin", "fastActing", 6, "units", from, to);
            event(records, user, d, LocalTime.of(12, 30), "carbs", null, 45, "grams", from, to);
            event(records, user, d, LocalTime.of(18, 0), "exercise", "medium", 30, "minutes", from, to);
            event(records, user, d, LocalTime.of(15, 0), "health", "stress", 0, "unknown", from, to);
        }
        return out;
    }

    private void event(ArrayNode records, String user, LocalDate day, LocalTime at, String type, String subType,
                       int value, String unit, Instant from, Instant to) {
        Instant t = day.atTime(at).atOffset(SyntheticData.OFFSET).toInstant();
        if (t.isBefore(from) || !t.isBefore(to)) {
            return;
        }
        ObjectNode r = records.addObject();
        r.put("recordId", user + "-" + type + "-" + t.getEpochSecond());
        r.put("systemTime", t.toString()).put("displayTime", local(t));
        r.put("eventStatus", "created").put("eventType", type).put("eventSubType", subType);
        r.put("value", String.valueOf(value)).put("unit", unit);
        r.put("transmitterId", "sim-tx").put("transmitterGeneration", "g7").put("displayDevice", "iOS");
    }
}
