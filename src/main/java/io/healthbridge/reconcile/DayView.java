package io.healthbridge.reconcile;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;

/**
 * One person's day as several sources saw it, reconciled from the stored canonical events (never replacing them):
 * cumulative totals by interval priority ({@link Cumulative}), one main sleep (the night's overlapping sessions
 * collapse to the highest-priority source; the others are listed; sessions apart from it are naps), and workouts
 * seen by several sources merged into one. Every figure names its sources, the events it came from and its rule.
 */
public class DayView {

    /** Point measurements: the same reading sent by several sources is one. */
    static final List<String> POINT_TYPES = List.of("body_weight", "body_fat", "blood_pressure", "oxygen_saturation",
            "blood_glucose");
    /** Readings of several sources are the same when this close and equal to a tenth of their unit. */
    static final Duration SAME_READING = Duration.ofMinutes(5);

    /** Workouts of several sources are one when they start this close and overlap most of the shorter one. */
    static final Duration SAME_WORKOUT_START = Duration.ofMinutes(5);

    private final EventStore events;
    private final Priorities priorities;

    public DayView(EventStore events, Priorities priorities) {
        this.events = events;
        this.priorities = priorities;
    }

    private record Stored(String id, String source, JsonNode data, Instant start, Instant end) {
    }

    public Map<String, Object> day(String user, LocalDate date, ZoneId zone) {
        Instant from = date.atStartOfDay(zone).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
        Map<String, List<String>> order = priorities.of(user);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", user);
        out.put("date", date.toString());
        out.put("zone", zone.getId());
        Map<String, Object> totals = new LinkedHashMap<>();
        for (String[] t : new String[][] {{"steps", "{steps}"}, {"distance", "m"}, {"active_energy", "kcal"}}) {
            // a day's samples may start the evening before
            List<Cumulative.Sample> samples = new ArrayList<>();
            for (Stored e : latest(user, t[0], from.minus(Duration.ofDays(1)), to)) {
                BigDecimal v = e.data().path("value").path("value").decimalValue();
                samples.add(new Cumulative.Sample(e.source(), e.id(), e.start(), e.end(), v));
            }
            Cumulative.Result r = Cumulative.merge(samples, Priorities.order(order.get(t[0])), from, to);
            if (!r.shares().isEmpty()) {
                totals.put(t[0], Cumulative.toJson(r, t[1]));
            }
        }
        out.put("totals", totals);
        out.put("sleep", sleep(user, from, to, order.get("sleep_session")));
        out.put("workouts", workouts(user, from, to, order.get("workout")));
        Map<String, Object> readings = new LinkedHashMap<>();
        for (String type : POINT_TYPES) {
            List<Map<String, Object>> r = readings(user, type, from, to);
            if (!r.isEmpty()) {
                readings.put(type, r);
            }
        }
        out.put("measurements", readings);
        out.put("priorities", order);
        return out;
    }

    /** The night ending this day: its main session, the other sources' sessions of it, and naps. */
    private Map<String, Object> sleep(String user, Instant from, Instant to, List<String> order) {
        List<Stored> sessions = latest(user, "sleep_session", from.minus(Duration.ofDays(1)), to).stream()
                .filter(s -> !s.end().isBefore(from) && s.end().isBefore(to)).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        if (sessions.isEmpty()) {
            return out;
        }
        // the night: the longest session and every session overlapping it
        Stored longest = sessions.stream().max(Comparator.comparing(s -> Duration.between(s.start(), s.end())))
                .orElseThrow();
        List<Stored> night = sessions.stream().filter(s -> overlaps(s, longest)).toList();
        Comparator<Stored> priority = Comparator.comparing(Stored::source, Priorities.order(order));
        Stored main = night.stream().min(priority).orElseThrow();
        out.put("main", session(main));
        out.put("also", night.stream().filter(s -> s != main).map(DayView::session).toList());
        out.put("naps", sessions.stream().filter(s -> !night.contains(s)).map(DayView::session).toList());
        out.put("rule", "main_sleep: the night's overlapping sessions collapse to the highest-priority source");
        out.put("derived_from", night.stream().map(Stored::id).toList());
        return out;
    }

    private List<Map<String, Object>> workouts(String user, Instant from, Instant to, List<String> order) {
        List<Stored> all = new ArrayList<>(latest(user, "workout", from, to));
        all.sort(Comparator.comparing(Stored::source, Priorities.order(order)));
        List<List<Stored>> groups = new ArrayList<>();
        for (Stored w : all) {
            List<Stored> group = groups.stream().filter(g -> sameWorkout(g.get(0), w)).findFirst().orElse(null);
            if (group == null) {
                groups.add(new ArrayList<>(List.of(w)));
            } else {
                group.add(w);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Stored> g : groups) {
            Map<String, Object> w = session(g.get(0));
            w.put("sport", g.get(0).data().path("sport").asText(null));
            w.put("sources", g.stream().map(Stored::source).toList());
            w.put("derived_from", g.stream().map(Stored::id).toList());
            w.put("rule", "same_workout: start within 5 min, most of the shorter overlapping, same sport family; "
                          + "the highest-priority source's figures");
            out.add(w);
        }
        out.sort(Comparator.comparing(m -> (String) m.get("start")));
        return out;
    }

    /** The day's readings of a point type, identical readings of several sources within minutes as one. */
    private List<Map<String, Object>> readings(String user, String type, Instant from, Instant to) {
        List<List<Stored>> groups = new ArrayList<>();
        for (Stored r : latest(user, type, from, to)) {
            List<Stored> group = groups.stream().filter(g -> sameReading(g.get(0), r)).findFirst().orElse(null);
            if (group == null) {
                groups.add(new ArrayList<>(List.of(r)));
            } else {
                group.add(r);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Stored> g : groups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", g.get(0).data().path("start").asText());
            m.put("reading", reading(g.get(0).data()));
            m.put("sources", g.stream().map(Stored::source).toList());
            m.put("derived_from", g.stream().map(Stored::id).toList());
            m.put("rule", "same_reading: equal values (to a tenth of the unit) from several sources within 5 min");
            out.add(m);
        }
        return out;
    }

    static boolean sameReading(Stored a, Stored b) {
        return !a.source().equals(b.source())
               && Duration.between(a.start(), b.start()).abs().compareTo(SAME_READING) <= 0
               && reading(a.data()).equals(reading(b.data()));
    }

    /** The reading's values, each to a tenth of its canonical unit: {@code {"value": 69.1}}, or systolic/diastolic. */
    private static Map<String, BigDecimal> reading(JsonNode data) {
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        for (String field : List.of("value", "systolic", "diastolic")) {
            JsonNode v = data.path(field).path("value");
            if (v.isNumber()) {
                values.put(field, v.decimalValue().setScale(1, java.math.RoundingMode.HALF_EVEN));
            }
        }
        return values;
    }

    static boolean sameWorkout(Stored a, Stored b) {
        if (Duration.between(a.start(), b.start()).abs().compareTo(SAME_WORKOUT_START) > 0) {
            return false;
        }
        long overlap = Duration.between(a.start().isAfter(b.start()) ? a.start() : b.start(),
                a.end().isBefore(b.end()) ? a.end() : b.end()).toSeconds();
        long shorter = Math.min(Duration.between(a.start(), a.end()).toSeconds(),
                Duration.between(b.start(), b.end()).toSeconds());
        return overlap * 2 >= shorter && family(a).equals(family(b));
    }

    private static String family(Stored w) {
        String sport = w.data().path("sport").asText("other");
        String first = sport.split("_")[0];
        return switch (first) {
            case "run", "running", "outdoor", "treadmill" -> "running";
            case "ride", "cycling", "biking", "bike" -> "cycling";
            default -> first;
        };
    }

    private static boolean overlaps(Stored a, Stored b) {
        return a.start().isBefore(b.end()) && b.start().isBefore(a.end());
    }

    private static Map<String, Object> session(Stored s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", s.source());
        m.put("event_id", s.id());
        m.put("start", s.data().path("start").asText());
        m.put("end", s.data().path("end").asText());
        JsonNode duration = s.data().path("duration").path("value");
        if (duration.isNumber()) {
            m.put("duration_s", duration.decimalValue());
        }
        return m;
    }

    /** The user's events of a type in the window, the newest version of each key (a revision replaces). */
    private List<Stored> latest(String user, String type, Instant from, Instant to) {
        Map<String, Stored> byKey = new LinkedHashMap<>();
        for (StoredEvent e : events.inWindow(user, "health." + type, from, to)) {
            JsonNode data = EventJson.read(e.payload()).path("data");
            byKey.put(data.path("key").asText(e.id()), new Stored(e.id(), Sources.of(data), data,
                    OffsetDateTime.parse(data.path("start").asText()).toInstant(),
                    OffsetDateTime.parse(data.path("end").asText()).toInstant()));
        }
        return new ArrayList<>(byKey.values());
    }
}
