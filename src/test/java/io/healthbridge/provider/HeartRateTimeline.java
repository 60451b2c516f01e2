package io.healthbridge.provider;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.support.RunningHealthbridge;

/** The published Oura heart-rate sample times of a user, in order, to check for gaps. */
final class HeartRateTimeline {

    private HeartRateTimeline() {
    }

    static List<Instant> of(RunningHealthbridge hb, String user) throws Exception {
        List<Instant> times = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = hb.getJson("/api/v1/events?provider=oura&type=health.heart_rate&user=" + user
                                       + "&limit=500&after_seq=" + after);
            for (JsonNode e : page.get("events")) {
                for (JsonNode s : e.get("event").get("data").get("samples")) {
                    times.add(OffsetDateTime.parse(s.get("time").asText()).toInstant());
                }
            }
            if (page.get("events").size() < 500) {
                break;
            }
            after = page.get("next_after_seq").asLong();
        }
        times.sort(Instant::compareTo);
        return times;
    }

    /** Gaps larger than the 5-minute sample interval. */
    static List<String> gaps(List<Instant> times) {
        List<String> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            long d = times.get(i).getEpochSecond() - times.get(i - 1).getEpochSecond();
            if (d != 300) {
                gaps.add(times.get(i - 1) + " -> " + times.get(i) + " (" + d + " s)");
            }
        }
        return gaps;
    }
}
