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
import java.util.stream.Stream;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
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
            "blood_glucose", "body_height", "body_mass_index", "lean_body_mass", "fat_mass", "muscle_mass", "bone_mass",
            "body_water");
    /** Every data type reconciliation reads, and so every type whose change touches a reconciled day. */
    static final List<String> TYPES = Stream.concat(Stream.of("steps", "distance", "active_energy", "sleep_session",
            "workout"), POINT_TYPES.stream()).toList();
    static final List<String> EVENT_TYPES = TYPES.stream().map(t -> "health." + t).toList();

    /** Readings of several sources are the same when this close and equal to a tenth of their unit (a height: 1 cm). */
    static final Duration SAME_READING = Duration.ofMinutes(5);

    /** Workouts of several sources are one when they start this close and overlap most of the shorter one. */
    static final Duration SAME_WORKOUT_START = Duration.ofMinutes(5);

    private final EventStore events;
    private final Priorities priorities;

    public DayView(EventStore events, Priorities priorities) {
        this.events = events;
        this.priorities = priorities;
    }

    /** A stored event as reconciliation reads it: its id, position in the store, source, data and interval. */
    record Stored(String id, long seq, String source, JsonNode data, Instant start, Instant end) {
    }

    /** The night ending a day: its main session (highest priority), the other sources' sessions of it, and naps. */
    record Night(Stored main, List<Stored> also, List<Stored> naps) {

        List<String> derivedFrom() {
            List<String> ids = new ArrayList<>(List.of(main.id()));
            also.forEach(s -> ids.add(s.id()));
            return ids;
        }
    }

    /**
     * A reconciled day: totals per cumulative type, the night (or null), workouts (each a group of the same session,
     * highest-priority source first) and point readings per type (each a group of the same reading); and the
     * reconciled events stored in its window, read with its sources.
     */
    record Day(String user, LocalDate date, ZoneId zone, Instant from, Instant to, Map<String, Cumulative.Result> totals,
               Night night, List<List<Stored>> workouts, Map<String, List<List<Stored>>> readings,
               Map<String, List<String>> priorities, List<StoredEvent> reconciled) {

        /** The day's start as a local time of its zone: {@code 2025-01-14T00:00+01:00}. */
        OffsetDateTime start() {
            return from.atZone(zone).toOffsetDateTime();
        }

        OffsetDateTime end() {
            return to.atZone(zone).toOffsetDateTime();
        }
    }

    static final String RULE_TOTAL = "interval_priority: each source counts only where no higher-priority source "
                                     + "has data, pro-rated";
    static final String RULE_SLEEP = "main_sleep: the night's overlapping sessions collapse to the highest-priority "
                                     + "source";
    static final String RULE_WORKOUT = "same_workout: start within 5 min, most of the shorter overlapping, same sport "
                                       + "family; the highest-priority source's figures";
    static final String RULE_READING = "same_reading: equal values (to a tenth of the unit) from several sources "
                                       + "within 5 min";

    /** Canonical units of the cumulative totals. */
    static final Map<String, String> TOTAL_UNITS = Map.of("steps", "{steps}", "distance", "m", "active_energy", "kcal");

    public Map<String, Object> day(String user, LocalDate date, ZoneId zone) {
        return toJson(compute(user, date, zone));
    }

    /** Reconciles one person's day from the stored events of every source (never the reconciled ones). */
    Day compute(String user, LocalDate date, ZoneId zone) {
        Instant from = date.atStartOfDay(zone).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
        Map<String, List<String>> order = priorities.of(user);
        // one read: every reconciled type from the evening before (a day's samples and its night may start then)
        List<StoredEvent> reconciled = new ArrayList<>();
        Map<String, List<Stored>> stored = latest(user, from.minus(Duration.ofDays(1)), to, reconciled);
        Map<String, Cumulative.Result> totals = new LinkedHashMap<>();
        for (String type : TOTAL_UNITS.keySet().stream().sorted().toList()) {
            List<Cumulative.Sample> samples = new ArrayList<>();
            for (Stored e : stored.getOrDefault(type, List.of())) {
                BigDecimal v = e.data().path("value").path("value").decimalValue();
                samples.add(new Cumulative.Sample(e.source(), e.id(), e.start(), e.end(), v));
            }
            Cumulative.Result r = Cumulative.merge(samples, Priorities.order(order.get(type)), from, to);
            if (!r.shares().isEmpty()) {
                totals.put(type, r);
            }
        }
        Map<String, List<List<Stored>>> readings = new LinkedHashMap<>();
        for (String type : POINT_TYPES) {
            List<List<Stored>> r = group(startingIn(stored.get(type), from), DayView::sameReading);
            if (!r.isEmpty()) {
                readings.put(type, r);
            }
        }
        return new Day(user, date, zone, from, to, totals, night(stored.get("sleep_session"), from, to,
                order.get("sleep_session")), workouts(startingIn(stored.get("workout"), from), order.get("workout")),
                readings, order, reconciled);
    }

    static Map<String, Object> toJson(Day d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", d.user());
        out.put("date", d.date().toString());
        out.put("zone", d.zone().getId());
        Map<String, Object> totals = new LinkedHashMap<>();
        d.totals().forEach((type, r) -> totals.put(type, Cumulative.toJson(r, TOTAL_UNITS.get(type))));
        out.put("totals", totals);
        Map<String, Object> sleep = new LinkedHashMap<>();
        if (d.night() != null) {
            sleep.put("main", session(d.night().main()));
            sleep.put("also", d.night().also().stream().map(DayView::session).toList());
            sleep.put("naps", d.night().naps().stream().map(DayView::session).toList());
            sleep.put("rule", RULE_SLEEP);
            sleep.put("derived_from", d.night().derivedFrom());
        }
        out.put("sleep", sleep);
        List<Map<String, Object>> workouts = new ArrayList<>();
        for (List<Stored> g : d.workouts()) {
            Map<String, Object> w = session(g.get(0));
            w.put("sport", g.get(0).data().path("sport").asText(null));
            w.put("sources", g.stream().map(Stored::source).toList());
            w.put("derived_from", g.stream().map(Stored::id).toList());
            w.put("rule", RULE_WORKOUT);
            workouts.add(w);
        }
        out.put("workouts", workouts);
        Map<String, Object> readings = new LinkedHashMap<>();
        d.readings().forEach((type, groups) -> readings.put(type, groups.stream().map(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", g.get(0).data().path("start").asText());
            m.put("reading", reading(g.get(0).data()));
            m.put("sources", g.stream().map(Stored::source).toList());
            m.put("derived_from", g.stream().map(Stored::id).toList());
            m.put("rule", RULE_READING);
            return m;
        }).toList()));
        out.put("measurements", readings);
        out.put("priorities", d.priorities());
        return out;
    }

    /** The night ending this day: its main session, the other sources' sessions of it, and naps; null if none. */
    private static Night night(List<Stored> stored, Instant from, Instant to, List<String> order) {
        List<Stored> sessions = (stored == null ? List.<Stored>of() : stored).stream()
                .filter(s -> !s.end().isBefore(from) && s.end().isBefore(to)).toList();
        if (sessions.isEmpty()) {
            return null;
        }
        // the night: the longest session and every session overlapping it
        Stored longest = sessions.stream().max(Comparator.comparing(s -> Duration.between(s.start(), s.end())))
                .orElseThrow();
        List<Stored> night = sessions.stream().filter(s -> overlaps(s, longest)).toList();
        // one source's two sessions of a night (a record whose times it revised): the one it sent last
        Comparator<Stored> priority = Comparator.comparing(Stored::source, Priorities.order(order))
                .thenComparing(Stored::seq, Comparator.reverseOrder());
        Stored main = night.stream().min(priority).orElseThrow();
        return new Night(main, night.stream().filter(s -> s != main).toList(),
                sessions.stream().filter(s -> !night.contains(s)).toList());
    }

    /** The day's workouts, the same session of several sources as one group, highest priority first, by start. */
    private static List<List<Stored>> workouts(List<Stored> workouts, List<String> order) {
        List<Stored> all = new ArrayList<>(workouts);
        all.sort(Comparator.comparing(Stored::source, Priorities.order(order)));
        List<List<Stored>> groups = group(all, DayView::sameWorkout);
        groups.sort(Comparator.comparing(g -> g.get(0).start()));
        return groups;
    }

    /** Groups items with the first item of a group they match, in order. */
    private static List<List<Stored>> group(List<Stored> items, java.util.function.BiPredicate<Stored, Stored> same) {
        List<List<Stored>> groups = new ArrayList<>();
        for (Stored s : items) {
            List<Stored> group = groups.stream().filter(g -> same.test(g.get(0), s)).findFirst().orElse(null);
            if (group == null) {
                groups.add(new ArrayList<>(List.of(s)));
            } else {
                group.add(s);
            }
        }
        return groups;
    }

    static boolean sameReading(Stored a, Stored b) {
        return !a.source().equals(b.source())
               && Duration.between(a.start(), b.start()).abs().compareTo(SAME_READING) <= 0
               && reading(a.data()).equals(reading(b.data()));
    }

    /**
     * The reading's values, each to a tenth of its canonical unit: {@code {"value": 69.1}}, or systolic/diastolic; a
     * height, in metres, to the centimetre.
     */
    private static Map<String, BigDecimal> reading(JsonNode data) {
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        int scale = "body_height".equals(data.path("data_type").asText()) ? 2 : 1;
        for (String field : List.of("value", "systolic", "diastolic")) {
            JsonNode v = data.path(field).path("value");
            if (v.isNumber()) {
                values.put(field, v.decimalValue().setScale(scale, java.math.RoundingMode.HALF_EVEN));
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

    /** The stored events starting at or after {@code from}. */
    private static List<Stored> startingIn(List<Stored> stored, Instant from) {
        return stored == null ? List.of() : stored.stream().filter(s -> !s.start().isBefore(from)).toList();
    }

    /**
     * The user's events of the reconciled types in the window by type, the newest version of each key (a revision
     * replaces); reconciled events are results, never sources: they go to {@code reconciled}.
     */
    private Map<String, List<Stored>> latest(String user, Instant from, Instant to, List<StoredEvent> reconciled) {
        Map<String, Map<String, Stored>> byKey = new LinkedHashMap<>();
        for (StoredEvent e : events.inWindow(user, EVENT_TYPES, from, to)) {
            if (CanonicalEvent.RECONCILED.equals(e.provider())) {
                reconciled.add(e);
                continue;
            }
            JsonNode data = EventJson.read(e.payload()).path("data");
            byKey.computeIfAbsent(data.path("data_type").asText(), k -> new LinkedHashMap<>())
                    .put(data.path("key").asText(e.id()), new Stored(e.id(), e.seq(), Sources.of(data), data,
                            OffsetDateTime.parse(data.path("start").asText()).toInstant(),
                            OffsetDateTime.parse(data.path("end").asText()).toInstant()));
        }
        Map<String, List<Stored>> out = new LinkedHashMap<>();
        byKey.forEach((type, stored) -> out.put(type, new ArrayList<>(stored.values())));
        return out;
    }
}
