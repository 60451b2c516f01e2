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
        if (path.startsWith("/activities/") && path.endsWith("/streams")) {
            return streams(path.substring("/activities/".length(), path.length() - "/streams".length()), user);
        }
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
            a.put("id", activityId(w));
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

    private static long activityId(SyntheticData.Workout w) {
        return Math.abs((long) w.id().hashCode());
    }

    /**
     * An activity's streams as Strava answers {@code ?key_by_type=true}: one sample a second, a loop around a park
     * with the workout's distance, heart rate rising to its maximum and settling at its average; null (404) for an
     * activity this user does not have.
     */
    private JsonNode streams(String id, String user) {
        LocalDate today = LocalDate.ofInstant(now(), SyntheticData.OFFSET);
        for (LocalDate d = today; d.isAfter(today.minusDays(400)); d = d.minusDays(1)) {
            SyntheticData.Workout w = SyntheticData.workout(user, d);
            if (w != null && String.valueOf(activityId(w)).equals(id)) {
                return streams(w);
            }
        }
        return null;
    }

    private static JsonNode streams(SyntheticData.Workout w) {
        int n = (int) Duration.between(w.start(), w.end()).toSeconds();
        double speed = w.distanceMeters() / n;
        double radius = w.distanceMeters() / (2 * Math.PI) / 3; // three laps
        ObjectNode out = EventJson.object();
        ArrayNode time = stream(out, "time", n);
        ArrayNode distance = stream(out, "distance", n);
        ArrayNode latlng = stream(out, "latlng", n);
        ArrayNode altitude = stream(out, "altitude", n);
        ArrayNode velocity = stream(out, "velocity_smooth", n);
        ArrayNode heartrate = stream(out, "heartrate", n);
        ArrayNode cadence = stream(out, "cadence", n);
        for (int t = 0; t < n; t++) {
            double angle = speed * t / radius;
            time.add(t);
            distance.add(Math.round(speed * t * 10) / 10.0);
            latlng.addArray().add(Math.round((52.5145 + radius * Math.sin(angle) / 111_320) * 1e6) / 1e6)
                    .add(Math.round((13.3501 + radius * (1 - Math.cos(angle)) / 67_800) * 1e6) / 1e6);
            altitude.add(Math.round((34 + 6 * Math.sin(angle * 2)) * 10) / 10.0);
            velocity.add(Math.round(speed * 100) / 100.0);
            heartrate.add(t < 600 ? 95 + (w.maxHr() - 95) * t / 600 : w.avgHr() + (t / 37) % 5);
            cadence.add(w.sport().equals("running") ? 84 + t % 3 : 88 + t % 5);
        }
        return out;
    }

    private static ArrayNode stream(ObjectNode out, String type, int n) {
        ObjectNode s = out.putObject(type);
        ArrayNode data = s.putArray("data");
        s.put("series_type", "time");
        s.put("original_size", n);
        s.put("resolution", "high");
        return data;
    }
}
