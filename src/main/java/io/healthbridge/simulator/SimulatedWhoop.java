package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated WHOOP v2 data endpoints. */
final class SimulatedWhoop extends SimulatedApi {

    SimulatedWhoop(Clock clock) {
        super(clock);
    }


    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
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
}
