package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Strava v3 data endpoints. */
final class SimulatedStrava extends SimulatedApi {

    SimulatedStrava(Clock clock) {
        super(clock);
    }


    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
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
}
