package io.healthbridge.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** The simulated Garmin Health API data endpoints. */
final class SimulatedGarmin extends SimulatedApi {

    SimulatedGarmin(Clock clock) {
        super(clock);
    }


    /** Summaries by upload time; a summary is "uploaded" when it ends. */
    @Override
    JsonNode answer(String path, Map<String, String> p, String user) {
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
                case "stressDetails" -> {
                    // the day's waking hours, a level every 3 minutes; walking spells Garmin cannot score (-2)
                    Instant start = d.atTime(8, 0).atOffset(SyntheticData.OFFSET).toInstant();
                    if (!in(start.plus(Duration.ofHours(12)), from, to)) {
                        continue;
                    }
                    ObjectNode o = out.addObject().put("userId", user).put("summaryId", user + "-stress-" + d)
                            .put("calendarDate", d.toString()).put("startTimeInSeconds", start.getEpochSecond())
                            .put("startTimeOffsetInSeconds", offset).put("durationInSeconds", 12 * 3600);
                    ObjectNode levels = o.putObject("timeOffsetStressLevelValues");
                    for (int t = 0; t <= 12 * 3600; t += 180) {
                        double noise = SyntheticData.noise(user, start.getEpochSecond() + t);
                        levels.put(String.valueOf(t), noise < 0.05 ? -2 : (int) (15 + noise * 60));
                    }
                    ObjectNode battery = o.putObject("timeOffsetBodyBatteryValues");
                    for (int t = 0; t <= 12 * 3600; t += 3600) {
                        battery.put(String.valueOf(t), 85 - t / 900);
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
                        double kg = SyntheticData.weight(user, d);
                        o.put("weightInGrams", Math.round(kg * 1000))
                                .put("bodyFatInPercent", SyntheticData.bodyFat(user, d))
                                .put("muscleMassInGrams", Math.round(kg * 420))
                                .put("boneMassInGrams", Math.round(kg * 41))
                                .put("bodyMassIndex", Math.round(kg / (1.78 * 1.78) * 10) / 10.0);
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
}
