package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Google Health v4 (Fitbit) data endpoints. */
final class SimulatedGoogleHealth extends SimulatedApi {

    private static final Pattern FILTER = Pattern.compile("start_time >= \"([^\"]+)\" AND start_time < \"([^\"]+)\"");

    SimulatedGoogleHealth(Clock clock) {
        super(clock);
    }


    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
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
}
