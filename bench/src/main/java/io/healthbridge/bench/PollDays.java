package io.healthbridge.bench;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Payloads the size of one poll of one person's day, as the providers answer them: Oura's 5-minute heart rate
 * (288 samples), Dexcom's 5-minute glucose readings (288) and Garmin's 15-minute epochs (96, each steps, distance
 * and active energy). Figure 1 measures these beside the golden tests' few-record samples: a poll stores a whole
 * payload in one transaction, so its per-payload costs are spread over what a real payload holds.
 */
final class PollDays {

    static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

    private PollDays() {
    }

    /** {provider, dataset, payload} of each day payload. */
    static String[][] all() {
        return new String[][] {{"oura", "heartrate", ouraHeartRate()}, {"dexcom", "egvs", dexcomGlucose()},
                {"garmin", "epochs", garminEpochs()}};
    }

    static String ouraHeartRate() {
        ObjectNode root = NormalizationBenchmark.MAPPER.createObjectNode();
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < 288; i++) {
            data.addObject().put("bpm", 52 + (i * 7) % 40).put("source", i < 84 ? "rest" : "awake")
                    .put("timestamp", OffsetDateTime.ofInstant(DAY.plus(5L * i, ChronoUnit.MINUTES), ZoneOffset.ofHours(1))
                            .toString());
        }
        root.putNull("next_token");
        return root.toString();
    }

    static String dexcomGlucose() {
        ObjectNode root = NormalizationBenchmark.MAPPER.createObjectNode();
        root.put("recordType", "egv").put("recordVersion", "3.0").put("userId", "user-id");
        ArrayNode records = root.putArray("records");
        for (int i = 0; i < 288; i++) {
            Instant t = DAY.plus(5L * i, ChronoUnit.MINUTES);
            records.addObject().put("recordId", "egv-" + i).put("systemTime", t.toString())
                    .put("displayTime", OffsetDateTime.ofInstant(t, ZoneOffset.ofHours(-8)).toString())
                    .put("transmitterId", "transmitter-id").put("transmitterTicks", 85_273 + 300 * i)
                    .put("value", 80 + (i * 13) % 90).putNull("status").put("trend", "flat").put("trendRate", 0)
                    .put("unit", "mg/dL").put("rateUnit", "mg/dL/min").put("displayDevice", "iOS")
                    .put("transmitterGeneration", "g7").put("displayApp", "G7");
        }
        return root.toString();
    }

    static String garminEpochs() {
        ArrayNode epochs = NormalizationBenchmark.MAPPER.createArrayNode();
        for (int i = 0; i < 96; i++) {
            int steps = (i * 37) % 900;
            epochs.addObject().put("summaryId", "epoch-" + i).put("activityType", steps > 0 ? "WALKING" : "SEDENTARY")
                    .put("activeKilocalories", steps / 20).put("steps", steps).put("distanceInMeters", steps * 0.75)
                    .put("durationInSeconds", 900).put("activeTimeInSeconds", steps > 0 ? 600 : 0)
                    .put("met", steps > 0 ? 3.0 : 1.0).put("intensity", steps > 0 ? "ACTIVE" : "SEDENTARY")
                    .put("startTimeInSeconds", DAY.getEpochSecond() + 900L * i).put("startTimeOffsetInSeconds", 3600);
        }
        return epochs.toString();
    }
}
