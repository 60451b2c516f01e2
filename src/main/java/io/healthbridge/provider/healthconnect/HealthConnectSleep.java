package io.healthbridge.provider.healthconnect;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.SleepStages;

/**
 * A {@code SleepSessionRecord}: its stages (Health Connect's ints) as the hypnogram and as durations per canonical
 * stage. Asleep is light + deep + REM + asleep-of-unknown-stage; awake, awake in bed and out of bed are awake, and time
 * out of bed is not time in bed. Stages must lie inside the session and not overlap, as Health Connect requires.
 */
final class HealthConnectSleep {

    private record Stage(OffsetDateTime start, OffsetDateTime end, String name) {
    }

    private HealthConnectSleep() {
    }

    static CanonicalEvent map(EventBuilder b, JsonNode r, JsonNode v) {
        OffsetDateTime start = HealthConnectMapper.time(r, "startTime",
                HealthConnectMapper.offset(r, "startZoneOffset"));
        OffsetDateTime end = HealthConnectMapper.time(r, "endTime", HealthConnectMapper.offset(r, "endZoneOffset"));
        long session = Duration.between(start, end).toSeconds();
        List<Stage> stages = new ArrayList<>();
        for (JsonNode s : Records.array(v, "stages")) {
            OffsetDateTime from = HealthConnectMapper.time(s, "startTime", start.getOffset());
            OffsetDateTime to = HealthConnectMapper.time(s, "endTime", start.getOffset());
            if (!from.isBefore(to) || from.isBefore(start) || to.isAfter(end)) {
                throw new MappingException("sleep stage " + from + " to " + to + " does not lie inside the session "
                                           + start + " to " + end);
            }
            String name = HealthConnectEnums.name(HealthConnectEnums.SLEEP_STAGE, s.get("stage"));
            stages.add(new Stage(from, to, name == null ? "unknown" : name));
        }
        stages.sort(Comparator.comparing(Stage::start));
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).start().isBefore(stages.get(i - 1).end())) {
                throw new MappingException("sleep stages overlap at " + stages.get(i).start());
            }
        }
        Map<String, Long> seconds = new LinkedHashMap<>();
        long outOfBed = 0;
        SleepStages.Segments segments = new SleepStages.Segments();
        for (Stage s : stages) {
            String canonical = canonical(s.name());
            long d = Duration.between(s.start(), s.end()).toSeconds();
            seconds.merge(canonical, d, Long::sum);
            outOfBed += "out_of_bed".equals(s.name()) ? d : 0;
            segments.add(canonical, s.start(), s.end());
        }
        SleepStages durations = new SleepStages();
        seconds.forEach((stage, d) -> durations.add(stage, d, "s"));
        if (stages.isEmpty()) {
            b.quantity("duration", session, "s").estimated("duration", "no stages: the whole session counted asleep");
        } else {
            BigDecimal asleep = durations.asleepSeconds();
            if (asleep.signum() == 0) {
                throw new io.healthbridge.provider.RecordSkipped("no_sleep_measured",
                        "a sleep session whose stages hold no time asleep");
            }
            b.quantity("duration", asleep, "s").put("stages", durations.toJson()).put("segments", segments.toJson());
        }
        b.quantity("time_in_bed", session - outOfBed, "s");
        if (Records.has(v, "notes") || Records.has(v, "title")) {
            b.omitted("title_notes", "free text written by the user is not carried");
        }
        return b.build();
    }

    /** The canonical stage of a Health Connect stage name. */
    private static String canonical(String name) {
        return switch (name) {
            case "light", "deep", "rem", "awake" -> name;
            case "sleeping" -> "asleep";
            case "awake_in_bed", "out_of_bed" -> "awake";
            default -> "unknown";
        };
    }
}
