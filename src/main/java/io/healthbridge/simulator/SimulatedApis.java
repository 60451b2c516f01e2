package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The data endpoints of the simulated providers, rendering {@link SyntheticData} in each provider's shapes. */
final class SimulatedApis {

    /** Page sizes are small on purpose, so every sync exercises pagination. */
    static final int PAGE = 50;
    private static final Pattern FILTER = Pattern.compile("start_time >= \"([^\"]+)\" AND start_time < \"([^\"]+)\"");

    private final Clock clock;

    SimulatedApis(Clock clock) {
        this.clock = clock;
    }

    JsonNode answer(String provider, String path, Map<String, String> p, String user) {
        return switch (provider) {
            case "oura" -> oura(path, p, user);
            case "withings" -> withings(path, p, user);
            case "fitbit" -> googleHealth(path, p, user);
            case "dexcom" -> dexcom(path, p, user);
            case "whoop" -> whoop(path, p, user);
            case "strava" -> strava(path, p, user);
            case "polar" -> polar(path, p, user);
            case "garmin" -> garmin(path, p, user);
            default -> null;
        };
    }

    private Instant now() {
        return clock.instant();
    }

    // ---- Oura v2 ----------------------------------------------------------------------------------------------

    private JsonNode oura(String path, Map<String, String> p, String user) {
        if (!path.startsWith("/v2/usercollection/")) {
            return null;
        }
        String collection = path.substring("/v2/usercollection/".length());
        List<ObjectNode> items = new ArrayList<>();
        if (collection.equals("heartrate")) {
            Instant from = Instant.parse(p.get("start_datetime"));
            Instant to = min(Instant.parse(p.get("end_datetime")), now());
            for (long[] s : SyntheticData.heartRate(user, from, to)) {
                ObjectNode o = EventJson.object();
                o.put("bpm", s[1]);
                o.put("source", OffsetDateTime.ofInstant(Instant.ofEpochSecond(s[0]), SyntheticData.OFFSET).getHour() < 7 ? "rest" : "awake");
                o.put("timestamp", local(Instant.ofEpochSecond(s[0])));
                items.add(o);
            }
            return page(items, p.get("next_token"), "data", "next_token");
        }
        LocalDate start = LocalDate.parse(p.get("start_date"));
        LocalDate end = LocalDate.parse(p.get("end_date"));
        for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
            switch (collection) {
                case "sleep" -> {
                    SyntheticData.Night n = SyntheticData.night(user, d);
                    if (n.end().toInstant().isBefore(now())) {
                        items.add(ouraSleep(user, n));
                    }
                }
                case "daily_activity" -> {
                    if (d.atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant().isBefore(now())) {
                        SyntheticData.Day day = SyntheticData.day(user, d);
                        ObjectNode o = EventJson.object();
                        o.put("id", user + "-a-" + d);
                        o.put("day", d.toString());
                        o.put("timestamp", d.atTime(4, 0).atOffset(SyntheticData.OFFSET).toString());
                        o.put("steps", day.steps());
                        o.put("active_calories", day.activeKcal());
                        o.put("total_calories", day.totalKcal());
                        o.put("equivalent_walking_distance", day.distanceMeters());
                        o.put("high_activity_time", day.activeSeconds() / 5);
                        o.put("medium_activity_time", day.activeSeconds() / 3);
                        o.put("low_activity_time", day.activeSeconds() - day.activeSeconds() / 5 - day.activeSeconds() / 3);
                        items.add(o);
                    }
                }
                case "daily_spo2" -> {
                    if (SyntheticData.night(user, d).end().toInstant().isBefore(now())) {
                        ObjectNode o = EventJson.object();
                        o.put("id", user + "-s-" + d);
                        o.put("day", d.toString());
                        o.putObject("spo2_percentage").put("average", SyntheticData.spo2(user, d) + 0.4);
                        items.add(o);
                    }
                }
                case "workout" -> {
                    SyntheticData.Workout w = SyntheticData.workout(user, d);
                    if (w != null && w.end().toInstant().isBefore(now())) {
                        ObjectNode o = EventJson.object();
                        o.put("id", w.id());
                        o.put("activity", w.sport());
                        o.put("calories", w.kcal());
                        o.put("distance", w.distanceMeters());
                        o.put("day", d.toString());
                        o.put("start_datetime", w.start().toString());
                        o.put("end_datetime", w.end().toString());
                        o.put("intensity", "moderate");
                        o.put("source", "autodetected");
                        items.add(o);
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return page(items, p.get("next_token"), "data", "next_token");
    }

    private static ObjectNode ouraSleep(String user, SyntheticData.Night n) {
        ObjectNode o = EventJson.object();
        o.put("id", user + "-sleep-" + n.day());
        o.put("day", n.day().toString());
        o.put("type", "long_sleep");
        o.put("bedtime_start", n.start().toString());
        o.put("bedtime_end", n.end().toString());
        o.put("total_sleep_duration", n.asleep());
        o.put("deep_sleep_duration", n.seconds("deep"));
        o.put("light_sleep_duration", n.seconds("light"));
        o.put("rem_sleep_duration", n.seconds("rem"));
        o.put("awake_time", n.seconds("awake"));
        o.put("time_in_bed", Duration.between(n.start(), n.end()).toSeconds());
        o.put("efficiency", Math.round(100.0 * n.asleep() / Duration.between(n.start(), n.end()).toSeconds()));
        o.put("latency", 600);
        o.put("average_hrv", n.hrv());
        o.put("average_breath", Math.round(n.breath() * 1000) / 1000.0);
        o.put("lowest_heart_rate", n.lowestHr());
        StringBuilder phases = new StringBuilder();
        for (OffsetDateTime t = n.start(); t.isBefore(n.end()); t = t.plusMinutes(5)) {
            OffsetDateTime at = t;
            String stage = n.stages().stream().filter(s -> !at.isBefore(s.start()) && at.isBefore(s.end()))
                    .map(SyntheticData.Stage::stage).findFirst().orElse("awake");
            phases.append(switch (stage) {
                case "deep" -> '1';
                case "light" -> '2';
                case "rem" -> '3';
                default -> '4';
            });
        }
        o.put("sleep_phase_5_min", phases.toString());
        ObjectNode hr = o.putObject("heart_rate");
        hr.put("interval", 300.0);
        hr.put("timestamp", n.start().toString());
        ArrayNode items = hr.putArray("items");
        for (OffsetDateTime t = n.start(); t.isBefore(n.end()); t = t.plusMinutes(5)) {
            items.add(SyntheticData.heartRateAt(user, t.toEpochSecond()));
        }
        return o;
    }

    // ---- Withings -------------------------------------------------------------------------------------------

    private JsonNode withings(String path, Map<String, String> p, String user) {
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
                    if (d.toEpochDay() % 3 == 0) {
                        m.addObject().put("value", 78).put("type", 9).put("unit", 0);
                        m.addObject().put("value", 121).put("type", 10).put("unit", 0);
                        m.addObject().put("value", SyntheticData.day(user, d).restingHr() + 6).put("type", 11).put("unit", 0);
                    }
                    items.add(g);
                }
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
            default -> {
                return EventJson.object().put("status", 2554).put("error", "unknown action " + action);
            }
        }
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

    // ---- Google Health v4 --------------------------------------------------------------------------------------

    private JsonNode googleHealth(String path, Map<String, String> p, String user) {
        Matcher m = Pattern.compile("/v4/users/me/dataTypes/([a-z-]+)/dataPoints").matcher(path);
        if (!m.matches()) {
            return null;
        }
        String type = m.group(1);
        Matcher f = FILTER.matcher(p.getOrDefault("filter", ""));
        if (!f.matches()) {
            return EventJson.object().put("error", "filter must be start_time >= \"…\" AND start_time < \"…\"");
        }
        Instant from = Instant.parse(f.group(1));
        Instant to = min(Instant.parse(f.group(2)), now());
        List<ObjectNode> points = new ArrayList<>();
        String device = "Pixel Watch 3";
        switch (type) {
            case "heart-rate" -> {
                for (long[] s : SyntheticData.heartRate(user, from, to)) {
                    ObjectNode d = sample(user, type, Instant.ofEpochSecond(s[0]), device);
                    d.putObject("heartRate").put("beatsPerMinute", s[1]);
                    points.add(d);
                }
            }
            case "steps", "distance" -> {
                for (long[] s : SyntheticData.heartRate(user, from, to)) {
                    if (s[0] % 900 != 0) {
                        continue;
                    }
                    Instant a = Instant.ofEpochSecond(s[0]);
                    if (a.plusSeconds(900).isAfter(now())) {
                        continue;
                    }
                    ObjectNode d = interval(user, type, a, a.plusSeconds(900), device);
                    int steps = (int) (SyntheticData.noise(user, s[0]) * 400);
                    if (type.equals("steps")) {
                        d.putObject("steps").put("count", String.valueOf(steps));
                    } else {
                        d.putObject("distance").put("meters", Math.round(steps * 0.76 * 10) / 10.0);
                    }
                    points.add(d);
                }
            }
            default -> {
                for (LocalDate day : SyntheticData.days(from, to)) {
                    Instant morning = day.atTime(7, 10).atOffset(SyntheticData.OFFSET).toInstant();
                    boolean morningIn = !morning.isBefore(from) && morning.isBefore(to);
                    switch (type) {
                        case "weight" -> {
                            if (morningIn) {
                                points.add(withValue(sample(user, type, morning, "Aria Air"), "weight", "weightGrams",
                                        Math.round(SyntheticData.weight(user, day) * 1000)));
                            }
                        }
                        case "body-fat" -> {
                            if (morningIn) {
                                points.add(withValue(sample(user, type, morning, "Aria Air"), "bodyFat", "percentage",
                                        SyntheticData.bodyFat(user, day)));
                            }
                        }
                        case "oxygen-saturation" -> {
                            if (morningIn) {
                                points.add(withValue(sample(user, type, morning.minusSeconds(3600), device),
                                        "oxygenSaturation", "percentage", SyntheticData.spo2(user, day)));
                            }
                        }
                        case "heart-rate-variability" -> {
                            if (morningIn) {
                                points.add(withValue(sample(user, type, morning.minusSeconds(3600), device),
                                        "heartRateVariability", "rootMeanSquareOfSuccessiveDifferencesMilliseconds",
                                        SyntheticData.night(user, day).hrv()));
                            }
                        }
                        case "daily-resting-heart-rate" -> {
                            Instant dayStart = day.atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant();
                            if (!dayStart.isBefore(from) && dayStart.isBefore(to)) {
                                ObjectNode d = EventJson.object();
                                d.put("name", "users/me/dataTypes/" + type + "/dataPoints/" + user + "-" + day);
                                d.putObject("date").put("year", day.getYear()).put("month", day.getMonthValue())
                                        .put("day", day.getDayOfMonth());
                                d.putObject("dailyRestingHeartRate").put("beatsPerMinute",
                                        SyntheticData.day(user, day).restingHr());
                                points.add(d);
                            }
                        }
                        case "sleep" -> {
                            SyntheticData.Night n = SyntheticData.night(user, day);
                            Instant s = n.start().toInstant();
                            if (!s.isBefore(from) && s.isBefore(to) && n.end().toInstant().isBefore(now())) {
                                ObjectNode d = interval(user, type, s, n.end().toInstant(), device);
                                ArrayNode stages = d.putObject("sleep").putArray("stages");
                                for (SyntheticData.Stage st : n.stages()) {
                                    stages.addObject().put("type", st.stage().toUpperCase())
                                            .put("startTime", st.start().toInstant().toString())
                                            .put("endTime", st.end().toInstant().toString());
                                }
                                points.add(d);
                            }
                        }
                        case "exercise" -> {
                            SyntheticData.Workout w = SyntheticData.workout(user, day);
                            if (w != null && !w.start().toInstant().isBefore(from) && w.start().toInstant().isBefore(to)
                                && w.end().toInstant().isBefore(now())) {
                                ObjectNode d = interval(user, type, w.start().toInstant(), w.end().toInstant(), device);
                                d.putObject("exercise").put("exerciseType", w.sport().toUpperCase())
                                        .put("displayName", w.sport().equals("running") ? "Run" : "Ride")
                                        .put("distanceMeters", w.distanceMeters()).put("caloriesKcal", w.kcal());
                                points.add(d);
                            }
                        }
                        default -> {
                            return EventJson.object().put("error", "INVALID_PARENT_DATA_TYPE_COLLECTION");
                        }
                    }
                }
            }
        }
        int size = Math.min(1000, Math.max(1, Integer.parseInt(p.getOrDefault("pageSize", String.valueOf(PAGE)))));
        return page(points, p.get("pageToken"), "dataPoints", "nextPageToken", size);
    }

    private static ObjectNode sample(String user, String type, Instant t, String device) {
        ObjectNode d = EventJson.object();
        d.put("name", "users/me/dataTypes/" + type + "/dataPoints/" + user + "-" + t.getEpochSecond());
        d.putObject("dataSource").putObject("device").put("displayName", device);
        d.putObject("sampleTime").put("physicalTime", t.toString())
                .put("utcOffset", SyntheticData.OFFSET.getTotalSeconds() + "s");
        return d;
    }

    private static ObjectNode interval(String user, String type, Instant a, Instant b, String device) {
        ObjectNode d = EventJson.object();
        d.put("name", "users/me/dataTypes/" + type + "/dataPoints/" + user + "-" + a.getEpochSecond());
        d.putObject("dataSource").putObject("device").put("displayName", device);
        String off = SyntheticData.OFFSET.getTotalSeconds() + "s";
        d.putObject("interval").put("startTime", a.toString()).put("startUtcOffset", off)
                .put("endTime", b.toString()).put("endUtcOffset", off);
        return d;
    }

    private static ObjectNode withValue(ObjectNode d, String field, String key, Number value) {
        ObjectNode v = d.putObject(field);
        if (value instanceof Double dv) {
            v.put(key, dv);
        } else {
            v.put(key, value.longValue());
        }
        return d;
    }

    // ---- Dexcom v3 -----------------------------------------------------------------------------------------------

    /** Estimated glucose values every 5 minutes; startDate/endDate are UTC without offset, as Dexcom takes them. */
    private JsonNode dexcom(String path, Map<String, String> p, String user) {
        if (!path.equals("/v3/users/self/egvs")) {
            return null;
        }
        Instant from = java.time.LocalDateTime.parse(p.get("startDate")).toInstant(java.time.ZoneOffset.UTC);
        Instant to = min(java.time.LocalDateTime.parse(p.get("endDate")).toInstant(java.time.ZoneOffset.UTC), now());
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

    // ---- WHOOP v2 ------------------------------------------------------------------------------------------------

    private JsonNode whoop(String path, Map<String, String> p, String user) {
        if (path.equals("/v2/user/measurement/body")) {
            ObjectNode b = EventJson.object();
            b.put("height_meter", 1.78);
            b.put("weight_kilogram", SyntheticData.weight(user, LocalDate.now(clock)));
            b.put("max_heart_rate", 190);
            return b;
        }
        Instant from = Instant.parse(p.get("start"));
        Instant to = min(Instant.parse(p.get("end")), now());
        String offset = SyntheticData.OFFSET.getId();
        List<ObjectNode> items = new ArrayList<>();
        for (LocalDate d : SyntheticData.days(from.minus(Duration.ofDays(1)), to)) {
            SyntheticData.Night n = SyntheticData.night(user, d);
            boolean nightIn = !n.start().toInstant().isBefore(from) && n.start().toInstant().isBefore(to)
                              && n.end().toInstant().isBefore(now());
            switch (path) {
                case "/v2/activity/sleep" -> {
                    if (nightIn) {
                        ObjectNode r = whoopRecord(user + "-sleep-" + d, user, n.start().toInstant(), n.end().toInstant(), offset);
                        r.put("nap", false);
                        ObjectNode score = r.putObject("score");
                        ObjectNode st = score.putObject("stage_summary");
                        st.put("total_in_bed_time_milli", Duration.between(n.start(), n.end()).toMillis());
                        st.put("total_awake_time_milli", n.seconds("awake") * 1000);
                        st.put("total_light_sleep_time_milli", n.seconds("light") * 1000);
                        st.put("total_slow_wave_sleep_time_milli", n.seconds("deep") * 1000);
                        st.put("total_rem_sleep_time_milli", n.seconds("rem") * 1000);
                        st.put("disturbance_count", 4);
                        score.put("respiratory_rate", Math.round(n.breath() * 100) / 100.0);
                        score.put("sleep_performance_percentage", 88.0);
                        score.put("sleep_efficiency_percentage", Math.round(1000.0 * n.asleep()
                                / Duration.between(n.start(), n.end()).toSeconds()) / 10.0);
                        items.add(r);
                    }
                }
                case "/v2/recovery" -> {
                    if (nightIn) {
                        ObjectNode r = EventJson.object();
                        r.put("cycle_id", d.toEpochDay());
                        r.put("sleep_id", user + "-sleep-" + d);
                        r.put("user_id", user);
                        r.put("created_at", n.end().toInstant().plusSeconds(600).toString());
                        r.put("updated_at", n.end().toInstant().plusSeconds(600).toString());
                        r.put("score_state", "SCORED");
                        ObjectNode score = r.putObject("score");
                        score.put("recovery_score", 60.0);
                        score.put("resting_heart_rate", (double) SyntheticData.day(user, d).restingHr());
                        score.put("hrv_rmssd_milli", (double) n.hrv());
                        score.put("spo2_percentage", (double) SyntheticData.spo2(user, d));
                        score.put("skin_temp_celsius", 33.6);
                        items.add(r);
                    }
                }
                case "/v2/cycle" -> {
                    Instant start = d.atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant();
                    Instant end = start.plus(Duration.ofDays(1));
                    if (!start.isBefore(from) && start.isBefore(to) && end.isBefore(now())) {
                        ObjectNode r = whoopRecord(String.valueOf(d.toEpochDay()), user, start, end, offset);
                        r.putObject("score").put("strain", 9.5).put("kilojoule", SyntheticData.day(user, d).totalKcal() * 4.184)
                                .put("average_heart_rate", 70).put("max_heart_rate", 160);
                        items.add(r);
                    }
                }
                case "/v2/activity/workout" -> {
                    SyntheticData.Workout w = SyntheticData.workout(user, d);
                    if (w != null && !w.start().toInstant().isBefore(from) && w.start().toInstant().isBefore(to)
                        && w.end().toInstant().isBefore(now())) {
                        ObjectNode r = whoopRecord(w.id(), user, w.start().toInstant(), w.end().toInstant(), offset);
                        r.put("sport_name", w.sport());
                        r.put("sport_id", w.sport().equals("running") ? 0 : 1);
                        r.putObject("score").put("strain", 11.2).put("average_heart_rate", w.avgHr())
                                .put("max_heart_rate", w.maxHr()).put("kilojoule", w.kcal() * 4.184)
                                .put("distance_meter", w.distanceMeters());
                        items.add(r);
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        int size = Math.min(25, Integer.parseInt(p.getOrDefault("limit", "25")));
        return page(items, p.get("nextToken"), "records", "next_token", size);
    }

    private static ObjectNode whoopRecord(String id, String user, Instant start, Instant end, String offset) {
        ObjectNode r = EventJson.object();
        r.put("id", id);
        r.put("user_id", user);
        r.put("created_at", end.toString());
        r.put("updated_at", end.toString());
        r.put("start", start.toString());
        r.put("end", end.toString());
        r.put("timezone_offset", offset);
        r.put("score_state", "SCORED");
        return r;
    }

    // ---- Strava v3 -----------------------------------------------------------------------------------------------

    private JsonNode strava(String path, Map<String, String> p, String user) {
        if (!path.equals("/athlete/activities")) {
            return null;
        }
        Instant after = Instant.ofEpochSecond(Long.parseLong(p.getOrDefault("after", "0")));
        Instant before = min(Instant.ofEpochSecond(Long.parseLong(p.getOrDefault("before",
                String.valueOf(now().getEpochSecond())))), now());
        List<ObjectNode> items = new ArrayList<>();
        for (LocalDate d : SyntheticData.days(after, before)) {
            SyntheticData.Workout w = SyntheticData.workout(user, d);
            if (w == null || w.start().toInstant().isBefore(after) || !w.start().toInstant().isBefore(before)
                || !w.end().toInstant().isBefore(now())) {
                continue;
            }
            ObjectNode a = EventJson.object();
            a.put("id", Math.abs((long) w.id().hashCode()));
            a.put("name", w.sport().equals("running") ? "Evening Run" : "Evening Ride");
            a.put("distance", w.distanceMeters());
            long seconds = Duration.between(w.start(), w.end()).toSeconds();
            a.put("moving_time", seconds - 60);
            a.put("elapsed_time", seconds);
            a.put("type", w.sport().equals("running") ? "Run" : "Ride");
            a.put("sport_type", w.sport().equals("running") ? "Run" : "Ride");
            a.put("start_date", w.start().toInstant().toString());
            a.put("start_date_local", w.start().toLocalDateTime() + "Z");
            a.put("utc_offset", SyntheticData.OFFSET.getTotalSeconds());
            a.put("average_heartrate", w.avgHr());
            a.put("max_heartrate", w.maxHr());
            a.putObject("athlete").put("id", user);
            items.add(a);
        }
        int perPage = Integer.parseInt(p.getOrDefault("per_page", "30"));
        int page = Integer.parseInt(p.getOrDefault("page", "1"));
        ArrayNode out = EventJson.MAPPER.createArrayNode();
        items.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(out::add);
        return out;
    }

    // ---- Polar AccessLink v3 --------------------------------------------------------------------------------------

    private JsonNode polar(String path, Map<String, String> p, String user) {
        String polarUser = "https://www.polaraccesslink.com/v3/users/" + user;
        LocalDate today = LocalDate.ofInstant(now(), SyntheticData.OFFSET);
        if (path.startsWith("/v3/users/continuous-heart-rate/")) {
            LocalDate d = LocalDate.parse(path.substring(path.lastIndexOf('/') + 1));
            ObjectNode o = EventJson.object().put("polar_user", polarUser).put("date", d.toString());
            ArrayNode samples = o.putArray("heart_rate_samples");
            Instant start = d.atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant();
            for (long[] hr : SyntheticData.heartRate(user, start, min(start.plus(Duration.ofDays(1)), now()))) {
                samples.addObject().put("heart_rate", hr[1]).put("sample_time",
                        OffsetDateTime.ofInstant(Instant.ofEpochSecond(hr[0]), SyntheticData.OFFSET).toLocalTime().toString() + ":00");
            }
            return o;
        }
        switch (path) {
            case "/v3/users/sleep", "/v3/users/nightly-recharge" -> {
                boolean sleep = path.endsWith("sleep");
                ObjectNode o = EventJson.object();
                ArrayNode list = o.putArray(sleep ? "nights" : "recharges");
                for (LocalDate d = today.minusDays(27); !d.isAfter(today); d = d.plusDays(1)) {
                    SyntheticData.Night n = SyntheticData.night(user, d);
                    if (!n.end().toInstant().isBefore(now())) {
                        continue;
                    }
                    ObjectNode r = list.addObject().put("polar_user", polarUser).put("date", d.toString());
                    if (sleep) {
                        r.put("sleep_start_time", n.start().toString());
                        r.put("sleep_end_time", n.end().toString());
                        r.put("light_sleep", n.seconds("light"));
                        r.put("deep_sleep", n.seconds("deep"));
                        r.put("rem_sleep", n.seconds("rem"));
                        r.put("total_interruption_duration", n.seconds("awake"));
                        r.put("sleep_score", 80);
                        ObjectNode hyp = r.putObject("hypnogram");
                        for (SyntheticData.Stage st : n.stages()) {
                            hyp.put(st.start().toLocalTime().toString(), switch (st.stage()) {
                                case "awake" -> 0;
                                case "rem" -> 1;
                                case "deep" -> 4;
                                default -> 2;
                            });
                        }
                    } else {
                        r.put("heart_rate_variability_avg", n.hrv());
                        r.put("breathing_rate_avg", Math.round(n.breath() * 10) / 10.0);
                        r.putObject("hrv_samples").put(n.start().plusMinutes(60).toLocalTime().toString(), n.hrv() - 3)
                                .put(n.start().plusMinutes(65).toLocalTime().toString(), n.hrv() + 2);
                    }
                }
                return o;
            }
            case "/v3/users/biosensing/spo2", "/v3/users/activities" -> {
                ArrayNode out = EventJson.MAPPER.createArrayNode();
                for (LocalDate d = LocalDate.parse(p.get("from")); !d.isAfter(LocalDate.parse(p.get("to"))); d = d.plusDays(1)) {
                    if (path.endsWith("spo2")) {
                        Instant t = d.atTime(6, 30).atOffset(SyntheticData.OFFSET).toInstant();
                        if (t.isBefore(now())) {
                            out.addObject().put("source_device_id", "SIMPOLAR").put("test_time", t.getEpochSecond())
                                    .put("time_zone_offset", SyntheticData.OFFSET.getTotalSeconds() / 60)
                                    .put("blood_oxygen_percent", SyntheticData.spo2(user, d));
                        }
                    } else if (d.isBefore(today)) {
                        SyntheticData.Day day = SyntheticData.day(user, d);
                        out.addObject().put("start_time", d + "T00:00:00").put("end_time", d + "T23:59:59")
                                .put("steps", day.steps()).put("calories", day.totalKcal())
                                .put("active_calories", day.activeKcal()).put("distance_from_steps", day.distanceMeters())
                                .put("active_duration", Duration.ofSeconds(day.activeSeconds()).toString());
                    }
                }
                return out;
            }
            case "/v3/users/physical-info" -> {
                return EventJson.object().put("weight", SyntheticData.weight(user, today))
                        .put("created", today.atTime(7, 0).atOffset(SyntheticData.OFFSET).toInstant().toString())
                        .put("weight_source", "SOURCE_USER");
            }
            case "/v3/exercises" -> {
                ArrayNode out = EventJson.MAPPER.createArrayNode();
                for (LocalDate d = today.minusDays(29); !d.isAfter(today); d = d.plusDays(1)) {
                    SyntheticData.Workout w = SyntheticData.workout(user, d);
                    if (w != null && w.end().toInstant().isBefore(now())) {
                        ObjectNode e = out.addObject().put("id", w.id()).put("device", "Polar Vantage V3")
                                .put("start_time", w.start().toLocalDateTime().toString())
                                .put("start_time_utc_offset", SyntheticData.OFFSET.getTotalSeconds() / 60)
                                .put("duration", Duration.between(w.start(), w.end()).toString())
                                .put("calories", w.kcal()).put("distance", w.distanceMeters())
                                .put("sport", w.sport().equals("running") ? "RUNNING" : "CYCLING");
                        e.putObject("heart_rate").put("average", w.avgHr()).put("maximum", w.maxHr());
                    }
                }
                return out;
            }
            default -> {
                return null;
            }
        }
    }

    // ---- Garmin Health API ----------------------------------------------------------------------------------------

    /** Summaries by upload time; a summary is "uploaded" when it ends. */
    private JsonNode garmin(String path, Map<String, String> p, String user) {
        if (!path.startsWith("/wellness-api/rest/")) {
            return null;
        }
        String type = path.substring("/wellness-api/rest/".length());
        Instant from = Instant.ofEpochSecond(Long.parseLong(p.get("uploadStartTimeInSeconds")));
        Instant to = min(Instant.ofEpochSecond(Long.parseLong(p.get("uploadEndTimeInSeconds"))), now());
        int offset = SyntheticData.OFFSET.getTotalSeconds();
        ArrayNode out = EventJson.MAPPER.createArrayNode();
        if (type.equals("epochs")) {
            long step = 900;
            for (long t = (from.getEpochSecond() - step) / step * step; t + step < to.getEpochSecond(); t += step) {
                if (t + step < from.getEpochSecond()) {
                    continue;
                }
                int steps = (int) (SyntheticData.noise(user, t) * 600);
                out.addObject().put("userId", user).put("summaryId", user + "-ep-" + t).put("activityType", "WALKING")
                        .put("activeKilocalories", steps / 20).put("steps", steps)
                        .put("distanceInMeters", Math.round(steps * 0.76 * 10) / 10.0).put("durationInSeconds", 900)
                        .put("activeTimeInSeconds", steps > 100 ? 600 : 0).put("startTimeInSeconds", t)
                        .put("startTimeOffsetInSeconds", offset);
            }
            return out;
        }
        for (LocalDate d : SyntheticData.days(from.minus(Duration.ofDays(1)), to)) {
            Instant dayStart = d.atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant();
            SyntheticData.Night n = SyntheticData.night(user, d);
            Instant morning = d.atTime(7, 10).atOffset(SyntheticData.OFFSET).toInstant();
            switch (type) {
                case "dailies" -> {
                    Instant end = dayStart.plus(Duration.ofDays(1));
                    if (in(end, from, to)) {
                        SyntheticData.Day day = SyntheticData.day(user, d);
                        ObjectNode o = out.addObject().put("userId", user).put("summaryId", user + "-d-" + d)
                                .put("calendarDate", d.toString()).put("startTimeInSeconds", dayStart.getEpochSecond())
                                .put("startTimeOffsetInSeconds", offset).put("durationInSeconds", 86400)
                                .put("steps", day.steps()).put("distanceInMeters", day.distanceMeters())
                                .put("activeKilocalories", day.activeKcal()).put("bmrKilocalories", 1750)
                                .put("activeTimeInSeconds", day.activeSeconds()).put("floorsClimbed", 6)
                                .put("restingHeartRateInBeatsPerMinute", day.restingHr());
                        ObjectNode hr = o.putObject("timeOffsetHeartRateSamples");
                        for (long[] s : SyntheticData.heartRate(user, dayStart, end)) {
                            if ((s[0] - dayStart.getEpochSecond()) % 900 == 0) {
                                hr.put(String.valueOf(s[0] - dayStart.getEpochSecond()), s[1]);
                            }
                        }
                    }
                }
                case "sleeps", "hrv", "pulseOx" -> {
                    if (!in(n.end().toInstant(), from, to)) {
                        continue;
                    }
                    long start = n.start().toEpochSecond();
                    long duration = Duration.between(n.start(), n.end()).toSeconds();
                    ObjectNode o = out.addObject().put("userId", user).put("summaryId", user + "-" + type + "-" + d)
                            .put("calendarDate", d.toString()).put("startTimeInSeconds", start)
                            .put("startTimeOffsetInSeconds", offset);
                    if (type.equals("sleeps")) {
                        // Garmin's durationInSeconds is the whole sleep window, awake time included
                        o.put("durationInSeconds", duration).put("deepSleepDurationInSeconds", n.seconds("deep"))
                                .put("lightSleepDurationInSeconds", n.seconds("light")).put("remSleepInSeconds", n.seconds("rem"))
                                .put("awakeDurationInSeconds", n.seconds("awake")).put("validation", "DEVICE");
                        ObjectNode levels = o.putObject("sleepLevelsMap");
                        for (SyntheticData.Stage st : n.stages()) {
                            (levels.has(st.stage()) ? (ArrayNode) levels.get(st.stage()) : levels.putArray(st.stage()))
                                    .addObject().put("startTimeInSeconds", st.start().toEpochSecond())
                                    .put("endTimeInSeconds", st.end().toEpochSecond());
                        }
                    } else if (type.equals("hrv")) {
                        o.put("durationInSeconds", duration).put("lastNightAvg", n.hrv()).put("lastNight5MinHigh", n.hrv() + 20);
                        o.putObject("hrvValues").put("300", n.hrv() - 4).put("600", n.hrv() + 3);
                    } else {
                        o.put("durationInSeconds", duration).put("onDemand", false);
                        o.putObject("timeOffsetSpo2Values").put("3600", SyntheticData.spo2(user, d))
                                .put("7200", SyntheticData.spo2(user, d) + 1);
                    }
                }
                case "bodyComps", "bloodPressures" -> {
                    if (!in(morning, from, to) || type.equals("bloodPressures") && d.toEpochDay() % 3 != 0) {
                        continue;
                    }
                    ObjectNode o = out.addObject().put("userId", user).put("summaryId", user + "-" + type + "-" + d)
                            .put("measurementTimeInSeconds", morning.getEpochSecond())
                            .put("measurementTimeOffsetInSeconds", offset);
                    if (type.equals("bodyComps")) {
                        o.put("weightInGrams", Math.round(SyntheticData.weight(user, d) * 1000))
                                .put("bodyFatInPercent", SyntheticData.bodyFat(user, d));
                    } else {
                        o.put("systolic", 121).put("diastolic", 78).put("pulse", 64).put("sourceType", "DEVICE");
                    }
                }
                default -> {
                    return EventJson.object().put("errorMessage", "unknown summary type " + type);
                }
            }
        }
        return out;
    }

    private static boolean in(Instant t, Instant from, Instant to) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    private static JsonNode page(List<ObjectNode> items, String token, String field, String nextField) {
        return page(items, token, field, nextField, PAGE);
    }

    private static JsonNode page(List<ObjectNode> items, String token, String field, String nextField, int size) {
        int offset = token == null || token.isBlank() ? 0 : Integer.parseInt(new String(
                java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8));
        ObjectNode out = EventJson.object();
        ArrayNode arr = out.putArray(field);
        items.stream().skip(offset).limit(size).forEach(arr::add);
        if (offset + size < items.size()) {
            out.put(nextField, java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(String.valueOf(offset + size).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } else {
            out.putNull(nextField);
        }
        return out;
    }

    private static String local(Instant t) {
        return OffsetDateTime.ofInstant(t, SyntheticData.OFFSET).toString();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
