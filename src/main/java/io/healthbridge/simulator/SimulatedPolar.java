package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Polar AccessLink v3 data endpoints. */
final class SimulatedPolar extends SimulatedApi {

    SimulatedPolar(Clock clock) {
        super(clock);
    }


    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
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
                        if ("true".equals(p.get("route"))) {
                            e.put("has_route", true).set("route", route(w));
                        }
                    }
                }
                return out;
            }
            default -> {
                return null;
            }
        }
    }

    /** A GPS fix every 10 seconds on three laps of a loop, as AccessLink's route locations. */
    private static ArrayNode route(SyntheticData.Workout w) {
        long n = Duration.between(w.start(), w.end()).toSeconds();
        double radius = w.distanceMeters() / (2 * Math.PI) / 3;
        double speed = w.distanceMeters() / n;
        ArrayNode route = EventJson.MAPPER.createArrayNode();
        for (long t = 0; t < n; t += 10) {
            double angle = speed * t / radius;
            route.addObject().put("latitude", Math.round((60.1699 + radius * Math.sin(angle) / 111_320) * 1e6) / 1e6)
                    .put("longitude", Math.round((24.9384 + radius * (1 - Math.cos(angle)) / 55_600) * 1e6) / 1e6)
                    .put("time", Duration.ofSeconds(t).toString()).put("satellites", 9).put("fix", 3);
        }
        return route;
    }
}
