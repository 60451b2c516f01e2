package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Withings data endpoints. */
final class SimulatedWithings extends SimulatedApi {

    SimulatedWithings(Clock clock) {
        super(clock);
    }


    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
        String action = p.getOrDefault("action", "");
        List<ObjectNode> items = new ArrayList<>();
        ObjectNode body = EventJson.object();
        switch (path + "#" + action) {
            case "/measure#getmeas" -> {
                Instant from = Instant.ofEpochSecond(Long.parseLong(p.get("startdate")));
                Instant to = min(Instant.ofEpochSecond(Long.parseLong(p.get("enddate"))), now());
                for (LocalDate d : SyntheticData.days(from, to)) {
                    Instant at = d.atTime(7, 10).atOffset(SyntheticData.OFFSET).toInstant();
                    if (at.isBefore(from) || !at.isBefore(to)) {
                        continue;
                    }
                    ObjectNode g = EventJson.object();
                    g.put("grpid", d.toEpochDay());
                    g.put("attrib", 0);
                    g.put("date", at.getEpochSecond());
                    g.put("created", at.getEpochSecond());
                    g.put("modified", at.getEpochSecond());
                    g.put("category", 1);
                    g.put("model", "Body Cardio");
                    ArrayNode m = g.putArray("measures");
                    m.addObject().put("value", Math.round(SyntheticData.weight(user, d) * 1000)).put("type", 1).put("unit", -3);
                    m.addObject().put("value", Math.round(SyntheticData.bodyFat(user, d) * 10)).put("type", 6).put("unit", -1);
                    // fat mass and fat-free mass from the same weighing; muscle, hydration and bone as a scale estimates
                    long fatGrams = Math.round(SyntheticData.weight(user, d) * SyntheticData.bodyFat(user, d) * 10);
                    long grams = Math.round(SyntheticData.weight(user, d) * 1000);
                    m.addObject().put("value", fatGrams).put("type", 8).put("unit", -3);
                    m.addObject().put("value", grams - fatGrams).put("type", 5).put("unit", -3);
                    m.addObject().put("value", Math.round(grams * 0.42)).put("type", 76).put("unit", -3);
                    m.addObject().put("value", Math.round(grams * 0.55)).put("type", 77).put("unit", -3);
                    m.addObject().put("value", Math.round(grams * 0.041)).put("type", 88).put("unit", -3);
                    // the Body Cardio's pulse wave velocity at the feet, about 7 m/s
                    m.addObject().put("value", 6400 + Math.round(SyntheticData.noise(user, d.toEpochDay() + 31) * 1500))
                            .put("type", 91).put("unit", -3);
                    if (d.toEpochDay() % 3 == 0) {
                        m.addObject().put("value", 78).put("type", 9).put("unit", 0);
                        m.addObject().put("value", 121).put("type", 10).put("unit", 0);
                        m.addObject().put("value", SyntheticData.day(user, d).restingHr() + 6).put("type", 11).put("unit", 0);
                    }
                    items.add(g);
                    if (d.toEpochDay() % 4 == 0) {
                        // a watch's VO2 max estimate, a group of its own
                        ObjectNode w = g.deepCopy().put("grpid", d.toEpochDay() * 10 + 1).put("model", "ScanWatch 2");
                        w.putArray("measures").addObject().put("value", 380 + Math.round(SyntheticData.noise(user,
                                d.toEpochDay() + 32) * 80)).put("type", 123).put("unit", -1);
                        items.add(w);
                    }
                }
                items = onlyAskedFor(items, p);
                body.put("timezone", "Europe/Paris");
                return withingsPage(body, items, p, "measuregrps");
            }
            case "/v2/measure#getactivity" -> {
                for (LocalDate d = LocalDate.parse(p.get("startdateymd")); !d.isAfter(LocalDate.parse(p.get("enddateymd"))); d = d.plusDays(1)) {
                    if (!d.atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant().isBefore(now())) {
                        continue;
                    }
                    SyntheticData.Day day = SyntheticData.day(user, d);
                    ObjectNode a = EventJson.object();
                    a.put("date", d.toString());
                    a.put("timezone", "Europe/Paris");
                    a.put("model", "Pulse HR");
                    a.put("steps", day.steps());
                    a.put("distance", day.distanceMeters());
                    a.put("calories", day.activeKcal());
                    a.put("totalcalories", day.totalKcal());
                    a.put("soft", day.activeSeconds() / 2);
                    a.put("moderate", day.activeSeconds() / 3);
                    a.put("intense", day.activeSeconds() - day.activeSeconds() / 2 - day.activeSeconds() / 3);
                    items.add(a);
                }
                return withingsPage(body, items, p, "activities");
            }
            case "/v2/measure#getintradayactivity" -> {
                Instant from = Instant.ofEpochSecond(Long.parseLong(p.get("startdate")));
                Instant to = min(Instant.ofEpochSecond(Long.parseLong(p.get("enddate"))), now());
                ObjectNode series = body.putObject("series");
                for (long[] s : SyntheticData.heartRate(user, from, to)) {
                    ObjectNode e = series.putObject(String.valueOf(s[0]));
                    e.put("heart_rate", s[1]);
                    e.put("steps", (int) (SyntheticData.noise(user, s[0]) * 120));
                    e.put("duration", 300);
                    e.put("model", "ScanWatch");
                }
                return EventJson.object().put("status", 0).set("body", body);
            }
            case "/v2/measure#getworkouts" -> {
                for (LocalDate d = LocalDate.parse(p.get("startdateymd")); !d.isAfter(LocalDate.parse(p.get("enddateymd"))); d = d.plusDays(1)) {
                    SyntheticData.Workout w = SyntheticData.workout(user, d);
                    if (w == null || !w.end().toInstant().isBefore(now())) {
                        continue;
                    }
                    ObjectNode s = EventJson.object();
                    s.put("id", Math.abs(w.id().hashCode()));
                    s.put("category", w.sport().equals("running") ? 2 : 6);
                    s.put("timezone", "Europe/Paris");
                    s.put("startdate", w.start().toEpochSecond());
                    s.put("enddate", w.end().toEpochSecond());
                    s.put("date", d.toString());
                    ObjectNode data = s.putObject("data");
                    data.put("calories", w.kcal());
                    data.put("distance", w.distanceMeters());
                    data.put("hr_average", w.avgHr());
                    data.put("hr_max", w.maxHr());
                    items.add(s);
                }
                return withingsPage(body, items, p, "series");
            }
            case "/v2/sleep#getsummary" -> {
                for (LocalDate d = LocalDate.parse(p.get("startdateymd")); !d.isAfter(LocalDate.parse(p.get("enddateymd"))); d = d.plusDays(1)) {
                    SyntheticData.Night n = SyntheticData.night(user, d);
                    if (!n.end().toInstant().isBefore(now())) {
                        continue;
                    }
                    ObjectNode s = EventJson.object();
                    s.put("id", d.toEpochDay());
                    s.put("timezone", "Europe/Paris");
                    s.put("startdate", n.start().toEpochSecond());
                    s.put("enddate", n.end().toEpochSecond());
                    s.put("date", d.toString());
                    ObjectNode data = s.putObject("data");
                    data.put("total_sleep_time", n.asleep());
                    data.put("total_timeinbed", Duration.between(n.start(), n.end()).toSeconds());
                    data.put("lightsleepduration", n.seconds("light"));
                    data.put("deepsleepduration", n.seconds("deep"));
                    data.put("remsleepduration", n.seconds("rem"));
                    data.put("wakeupduration", n.seconds("awake"));
                    data.put("wakeupcount", 2);
                    data.put("sleep_efficiency", Math.round(100.0 * n.asleep() / Duration.between(n.start(), n.end()).toSeconds()) / 100.0);
                    data.put("rr_average", Math.round(n.breath()));
                    items.add(s);
                }
                return withingsPage(body, items, p, "series");
            }
            case "/v2/sleep#get" -> {
                return sleepSeries(user, Instant.ofEpochSecond(Long.parseLong(p.get("startdate"))),
                        Instant.ofEpochSecond(Long.parseLong(p.get("enddate"))));
            }
            default -> {
                return EventJson.object().put("status", 2554).put("error", "unknown action " + action);
            }
        }
    }

    /** Sleep v2 get: the stages of the nights that ended inside the first 24 hours asked, heart rate each minute. */
    private JsonNode sleepSeries(String user, Instant from, Instant asked) {
        Instant to = min(min(asked, from.plus(Duration.ofHours(24))), now());
        ArrayNode series = EventJson.MAPPER.createArrayNode();
        for (LocalDate d : SyntheticData.days(from.minus(Duration.ofDays(1)), to.plus(Duration.ofDays(1)))) {
            SyntheticData.Night n = SyntheticData.night(user, d);
            if (n.start().toInstant().isBefore(from) || n.end().toInstant().isAfter(to)) {
                continue;
            }
            for (SyntheticData.Stage st : n.stages()) {
                ObjectNode s = series.addObject();
                s.put("startdate", st.start().toEpochSecond()).put("enddate", st.end().toEpochSecond());
                s.put("state", switch (st.stage()) {
                    case "light" -> 1;
                    case "deep" -> 2;
                    case "rem" -> 3;
                    default -> 0;
                });
                s.put("model", "Aura Sensor V2").put("model_id", 63);
                ObjectNode hr = s.putObject("hr");
                ObjectNode rr = s.putObject("rr");
                ObjectNode rmssd = s.putObject("rmssd");
                for (long t = st.start().toEpochSecond(); t < st.end().toEpochSecond(); t += 60) {
                    hr.put(String.valueOf(t), Math.max(40, SyntheticData.heartRateAt(user, t) - 8));
                    rr.put(String.valueOf(t), Math.round(n.breath()));
                    if ((t / 60) % 5 == 0) {
                        rmssd.put(String.valueOf(t), n.hrv());
                    }
                }
            }
        }
        ObjectNode body = EventJson.object();
        body.set("series", series);
        return EventJson.object().put("status", 0).set("body", body);
    }

    private static JsonNode withingsPage(ObjectNode body, List<ObjectNode> items, Map<String, String> p, String field) {
        int offset = Integer.parseInt(p.getOrDefault("offset", "0"));
        ArrayNode arr = body.putArray(field);
        items.stream().skip(offset).limit(PAGE).forEach(arr::add);
        boolean more = offset + PAGE < items.size();
        body.put("more", more ? 1 : 0);
        body.put("offset", more ? offset + PAGE : 0);
        return EventJson.object().put("status", 0).set("body", body);
    }

    /** As Withings does: only the measures of the types {@code meastype} or {@code meastypes} ask for, if any. */
    private static List<ObjectNode> onlyAskedFor(List<ObjectNode> groups, Map<String, String> p) {
        String asked = p.getOrDefault("meastypes", p.get("meastype"));
        if (asked == null || asked.isBlank()) {
            return groups;
        }
        Set<Integer> types = Arrays.stream(asked.split(",")).map(String::trim).map(Integer::valueOf)
                .collect(Collectors.toSet());
        List<ObjectNode> kept = new ArrayList<>();
        for (ObjectNode g : groups) {
            ArrayNode measures = EventJson.MAPPER.createArrayNode();
            g.path("measures").forEach(m -> {
                if (types.contains(m.path("type").asInt())) {
                    measures.add(m);
                }
            });
            if (!measures.isEmpty()) {
                g.set("measures", measures);
                kept.add(g);
            }
        }
        return kept;
    }
}
