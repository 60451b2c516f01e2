package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Oura v2 data endpoints. */
final class SimulatedOura extends SimulatedApi {

    SimulatedOura(Clock clock) {
        super(clock);
    }


    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
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
                case "daily_readiness", "daily_sleep" -> {
                    SyntheticData.Night n = SyntheticData.night(user, d);
                    if (n.end().toInstant().isBefore(now())) {
                        items.add(ouraScore(user, collection, n));
                    }
                }
                case "vO2_max", "daily_cardiovascular_age" -> {
                    // Oura estimates these every few days, in the morning
                    if (d.toEpochDay() % 3 == 0 && d.atTime(8, 0).atOffset(SyntheticData.OFFSET).toInstant().isBefore(now())) {
                        items.add(ouraEstimate(user, collection, d));
                    }
                }
                case "daily_stress", "daily_resilience", "session" -> {
                    ObjectNode o = ouraWellbeing(user, collection, d);
                    if (o != null) {
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

    /**
     * A day's readiness or sleep score, as Oura's daily_readiness and daily_sleep documents have them: a 0-100 score
     * that follows the night's sleep, its contributors, and (readiness) the skin temperature's deviation.
     */
    private static ObjectNode ouraScore(String user, String collection, SyntheticData.Night n) {
        int asleepMinutes = (int) (n.asleep() / 60);
        int score = Math.max(40, Math.min(97, 45 + (asleepMinutes - 300) / 4 + (int) (SyntheticData.noise(user,
                n.day().toEpochDay() + 21) * 10)));
        ObjectNode o = EventJson.object();
        o.put("id", user + "-" + collection + "-" + n.day());
        o.put("day", n.day().toString());
        o.put("score", score);
        o.put("timestamp", n.day().atStartOfDay().atOffset(SyntheticData.OFFSET).toString());
        ObjectNode c = o.putObject("contributors");
        if (collection.equals("daily_sleep")) {
            c.put("deep_sleep", Math.min(100, (int) (n.seconds("deep") / 60)));
            c.put("efficiency", 80 + score % 15);
            c.put("total_sleep", Math.min(100, asleepMinutes * 100 / 480));
        } else {
            c.put("hrv_balance", 60 + n.hrv() % 35);
            c.put("resting_heart_rate", Math.min(100, 150 - n.lowestHr()));
            c.put("sleep_balance", score);
            c.put("previous_night", Math.min(100, asleepMinutes * 100 / 480));
            double deviation = Math.round((SyntheticData.noise(user, n.day().toEpochDay() + 22) - 0.5) * 80) / 100.0;
            o.put("temperature_deviation", deviation);
            o.put("temperature_trend_deviation", Math.round(deviation * 60) / 100.0);
        }
        return o;
    }

    /** A VO2 max estimate (mL/kg/min) or a vascular age (years) with the pulse wave velocity Oura derives from it. */
    private static ObjectNode ouraEstimate(String user, String collection, LocalDate d) {
        ObjectNode o = EventJson.object();
        o.put("id", user + "-" + collection + "-" + d);
        o.put("day", d.toString());
        double noise = SyntheticData.noise(user, d.toEpochDay() + 23);
        if (collection.equals("vO2_max")) {
            o.put("timestamp", d.atTime(8, 0).atOffset(SyntheticData.OFFSET).toString());
            o.put("vo2_max", 36 + (int) (noise * 12));
        } else {
            int age = 28 + (int) (noise * 20);
            o.put("vascular_age", age);
            o.put("pulse_wave_velocity", Math.round((4.6 + (age - 18) * 0.07) * 10) / 10.0);
        }
        return o;
    }

    /**
     * A day's stress and recovery time (once the day is over), its resilience level (in the morning), and an evening
     * meditation every other day (at 21:00, 10 to 20 minutes); null when there is none yet.
     */
    private ObjectNode ouraWellbeing(String user, String collection, LocalDate d) {
        double noise = SyntheticData.noise(user, d.toEpochDay() + 41);
        ObjectNode o = EventJson.object();
        o.put("id", user + "-" + collection + "-" + d);
        o.put("day", d.toString());
        switch (collection) {
            case "daily_stress" -> {
                if (!d.plusDays(1).atStartOfDay().atOffset(SyntheticData.OFFSET).toInstant().isBefore(now())) {
                    return null;
                }
                o.put("stress_high", 1800 + (int) (noise * 5400));
                o.put("recovery_high", 900 + (int) ((1 - noise) * 3600));
                o.put("day_summary", noise > 0.7 ? "stressful" : noise < 0.3 ? "restored" : "normal");
            }
            case "daily_resilience" -> {
                if (!d.atTime(8, 0).atOffset(SyntheticData.OFFSET).toInstant().isBefore(now())) {
                    return null;
                }
                o.put("level", List.of("adequate", "solid", "strong").get((int) (noise * 3)));
                o.putObject("contributors").put("sleep_recovery", 60 + (int) (noise * 30))
                        .put("daytime_recovery", 50 + (int) (noise * 30)).put("stress", 45 + (int) (noise * 40));
            }
            default -> {
                OffsetDateTime start = d.atTime(21, 0).atOffset(SyntheticData.OFFSET);
                OffsetDateTime end = start.plusMinutes(10 + (int) (noise * 10));
                if (d.toEpochDay() % 2 != 0 || !end.toInstant().isBefore(now())) {
                    return null;
                }
                o.put("type", "meditation");
                o.put("start_datetime", start.toString());
                o.put("end_datetime", end.toString());
                o.put("mood", "good");
                o.putNull("heart_rate");
                o.putNull("heart_rate_variability");
                o.putNull("motion_count");
            }
        }
        return o;
    }
}
