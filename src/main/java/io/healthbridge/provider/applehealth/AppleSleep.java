package io.healthbridge.provider.applehealth;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.SleepStages;

/**
 * A night of HealthKit sleep: HealthKit has no session, only one sample per stage interval (the Watch), an in-bed
 * interval (the iPhone's sleep schedule) and whatever other apps write, all overlapping (contract
 * {@code apple-health.md} §2.1). A night is built from one source's samples only, so the Watch's stages, the iPhone's
 * in-bed time and a sleep app's night stay three sources and are never summed. Asleep is Core (AASM N1+N2, the
 * canonical {@code light}) + Deep + REM + asleep of unknown stage; in-bed time is the union of the in-bed samples and
 * never counts as sleep.
 */
public final class AppleSleep {

    /** Samples of one source further apart than this belong to different nights. */
    public static final Duration NIGHT_GAP = Duration.ofHours(3);

    /** One sample: its interval and its canonical stage ({@code in_bed}, {@code light}, {@code deep}, …). */
    public record Stage(OffsetDateTime start, OffsetDateTime end, String stage) {
    }

    private AppleSleep() {
    }

    /** The canonical stage of a HealthKit sleep value ({@code HKCategoryValueSleepAnalysisAsleepCore} …). */
    public static String stageOfExportValue(String value) {
        String v = value == null ? "" : value.replace("HKCategoryValueSleepAnalysis", "");
        return switch (v) {
            case "InBed" -> "in_bed";
            case "Asleep", "AsleepUnspecified" -> "asleep";
            case "AsleepCore" -> "light";
            case "AsleepDeep" -> "deep";
            case "AsleepREM" -> "rem";
            case "Awake" -> "awake";
            case "Unknown" -> "unknown";
            // a HealthKit raw value, as some apps write it
            case "0" -> "in_bed";
            case "1" -> "asleep";
            case "2" -> "awake";
            case "3" -> "light";
            case "4" -> "deep";
            case "5" -> "rem";
            default -> throw new MappingException("unknown HealthKit sleep value '" + value + "'");
        };
    }

    /**
     * Splits samples into nights: by source, then wherever a sample starts more than {@link #NIGHT_GAP} after the
     * latest end so far. Each night is in time order.
     */
    public static <T> List<List<T>> nights(List<T> samples, Function<T, String> source,
            Function<T, OffsetDateTime> start, Function<T, OffsetDateTime> end) {
        Map<String, List<T>> bySource = new LinkedHashMap<>();
        for (T s : samples) {
            bySource.computeIfAbsent(source.apply(s), k -> new ArrayList<>()).add(s);
        }
        List<List<T>> nights = new ArrayList<>();
        for (List<T> list : bySource.values()) {
            list.sort(Comparator.comparing(start));
            List<T> night = new ArrayList<>();
            OffsetDateTime latest = null;
            for (T s : list) {
                if (latest != null && start.apply(s).isAfter(latest.plus(NIGHT_GAP))) {
                    nights.add(night);
                    night = new ArrayList<>();
                    latest = null;
                }
                night.add(s);
                latest = latest == null || end.apply(s).isAfter(latest) ? end.apply(s) : latest;
            }
            if (!night.isEmpty()) {
                nights.add(night);
            }
        }
        return nights;
    }

    /** The night's sleep session on {@code b} (which carries the source's provenance). */
    public static CanonicalEvent session(EventBuilder b, List<Stage> night) {
        List<Stage> inBed = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        OffsetDateTime start = null;
        OffsetDateTime end = null;
        for (Stage s : night) {
            if (!s.start().isBefore(s.end())) {
                throw new MappingException("a sleep sample from " + s.start() + " to " + s.end() + " has no duration");
            }
            ("in_bed".equals(s.stage()) ? inBed : stages).add(s);
            start = start == null || s.start().isBefore(start) ? s.start() : start;
            end = end == null || s.end().isAfter(end) ? s.end() : end;
        }
        stages.sort(Comparator.comparing(Stage::start));
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).start().isBefore(stages.get(i - 1).end())) {
                throw new MappingException("sleep samples of one source overlap at " + stages.get(i).start());
            }
        }
        Map<String, Long> seconds = new LinkedHashMap<>();
        SleepStages.Segments segments = new SleepStages.Segments();
        for (Stage s : stages) {
            seconds.merge(s.stage(), Duration.between(s.start(), s.end()).toSeconds(), Long::sum);
            segments.add(s.stage(), s.start(), s.end());
        }
        SleepStages durations = new SleepStages();
        seconds.forEach((stage, d) -> durations.add(stage, d, "s"));
        BigDecimal asleep = durations.asleepSeconds();
        if (asleep.signum() == 0) {
            throw new RecordSkipped(inBed.isEmpty() ? "no_sleep_measured" : "in_bed_only",
                    inBed.isEmpty() ? "a night whose samples hold no time asleep"
                            : "time in bed with no sleep sample from the same source: in bed is not asleep");
        }
        b.interval(start, end).quantity("duration", asleep, "s").put("stages", durations.toJson())
                .put("segments", segments.toJson());
        if (inBed.isEmpty()) {
            b.quantity("time_in_bed", Duration.between(start, end).toSeconds(), "s")
                    .estimated("time_in_bed", "no in-bed sample from this source: first to last sleep sample");
        } else {
            b.quantity("time_in_bed", union(inBed), "s");
        }
        return b.build();
    }

    /** Seconds covered by the intervals, overlaps counted once. */
    private static long union(List<Stage> intervals) {
        List<Stage> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(Stage::start));
        long total = 0;
        OffsetDateTime from = null;
        OffsetDateTime to = null;
        for (Stage s : sorted) {
            if (to == null || s.start().isAfter(to)) {
                total += to == null ? 0 : Duration.between(from, to).toSeconds();
                from = s.start();
                to = s.end();
            } else if (s.end().isAfter(to)) {
                to = s.end();
            }
        }
        return total + (to == null ? 0 : Duration.between(from, to).toSeconds());
    }
}
