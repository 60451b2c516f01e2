package io.healthbridge.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic synthetic health data for simulated users: the same user and time always give the same values, so
 * tests can compare what Healthbridge published with the ground truth. Every simulated user lives at UTC+01:00.
 */
public final class SyntheticData {

    public static final ZoneOffset OFFSET = ZoneOffset.ofHours(1);

    /** One night's sleep. */
    public record Night(LocalDate day, OffsetDateTime start, OffsetDateTime end, List<Stage> stages, int hrv,
            double breath, int lowestHr) {

        public long seconds(String stage) {
            return stages.stream().filter(s -> s.stage.equals(stage)).mapToLong(s -> Duration.between(s.start, s.end).toSeconds()).sum();
        }

        public long asleep() {
            return seconds("deep") + seconds("light") + seconds("rem");
        }
    }

    /** A sleep stage segment. */
    public record Stage(String stage, OffsetDateTime start, OffsetDateTime end) {
    }

    /** One day's activity. */
    public record Day(LocalDate date, int steps, double distanceMeters, int activeKcal, int totalKcal, int activeSeconds,
            int restingHr) {
    }

    /** A workout. */
    public record Workout(String id, String sport, OffsetDateTime start, OffsetDateTime end, double distanceMeters,
            int kcal, int avgHr, int maxHr) {
    }

    private SyntheticData() {
    }

    /** A stable pseudo-random number in [0, 1) for (user, key). */
    static double noise(String user, long key) {
        long h = user.hashCode() * 0x9E3779B97F4A7C15L + key * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Heart rate every 5 minutes: a daily curve, lower at night, with noise. */
    public static List<long[]> heartRate(String user, Instant from, Instant to) {
        List<long[]> out = new ArrayList<>();
        long step = 300;
        long t = (from.getEpochSecond() + step - 1) / step * step;
        for (; t < to.getEpochSecond(); t += step) {
            out.add(new long[] { t, heartRateAt(user, t) });
        }
        return out;
    }

    public static int heartRateAt(String user, long epochSecond) {
        double hour = OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), OFFSET).getHour()
                      + OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), OFFSET).getMinute() / 60.0;
        double curve = 66 + 12 * Math.sin(2 * Math.PI * (hour - 10) / 24);
        return (int) Math.round(curve + (noise(user, epochSecond / 300) - 0.5) * 8);
    }

    /** The night that ends on the morning of {@code day}. */
    public static Night night(String user, LocalDate day) {
        long k = day.toEpochDay();
        OffsetDateTime start = day.minusDays(1).atTime(22, 50).atOffset(OFFSET).plusMinutes((long) (noise(user, k) * 50));
        List<Stage> stages = new ArrayList<>();
        OffsetDateTime t = start;
        stages.add(new Stage("awake", t, t = t.plusMinutes(10)));
        for (int cycle = 0; cycle < 5; cycle++) {
            int deep = cycle < 2 ? 25 : 10;
            int rem = 10 + cycle * 5;
            stages.add(new Stage("light", t, t = t.plusMinutes(45)));
            stages.add(new Stage("deep", t, t = t.plusMinutes(deep)));
            stages.add(new Stage("rem", t, t = t.plusMinutes(rem)));
            if (cycle % 2 == 1) {
                stages.add(new Stage("awake", t, t = t.plusMinutes(5)));
            }
        }
        return new Night(day, start, t, stages, 38 + (int) (noise(user, k + 1) * 18), 13.5 + noise(user, k + 2) * 3,
                48 + (int) (noise(user, k + 3) * 8));
    }

    public static Day day(String user, LocalDate date) {
        long k = date.toEpochDay() * 7;
        int steps = 5000 + (int) (noise(user, k) * 7000);
        int active = (int) (steps * 0.045);
        return new Day(date, steps, Math.round(steps * 0.76 * 10) / 10.0, active, 1750 + active,
                (int) (steps * 0.55), 52 + (int) (noise(user, k + 1) * 7));
    }

    /** Morning weight in kg (3 decimals) and body fat in %. */
    public static double weight(String user, LocalDate date) {
        return Math.round((72 + Math.sin(date.toEpochDay() / 9.0) * 0.8 + (noise(user, date.toEpochDay()) - 0.5) * 0.4)
                          * 1000) / 1000.0;
    }

    public static double bodyFat(String user, LocalDate date) {
        return Math.round((19 + (noise(user, date.toEpochDay() + 11) - 0.5)) * 10) / 10.0;
    }

    public static int spo2(String user, LocalDate date) {
        return 95 + (int) (noise(user, date.toEpochDay() + 5) * 4);
    }

    /** A workout every other day at 18:00 local. */
    public static Workout workout(String user, LocalDate date) {
        if (date.toEpochDay() % 2 != 0) {
            return null;
        }
        boolean run = noise(user, date.toEpochDay() + 9) < 0.5;
        OffsetDateTime start = date.atTime(18, 0).atOffset(OFFSET);
        int minutes = 30 + (int) (noise(user, date.toEpochDay() + 10) * 40);
        double distance = run ? minutes * 170.0 : minutes * 420.0;
        return new Workout(user + "-w-" + date, run ? "running" : "cycling", start, start.plusMinutes(minutes),
                distance, minutes * (run ? 11 : 8), run ? 148 : 132, run ? 171 : 158);
    }

    /** Dates whose start lies in [from, to), in the simulated users' offset. */
    public static List<LocalDate> days(Instant from, Instant to) {
        List<LocalDate> out = new ArrayList<>();
        LocalDate d = LocalDate.ofInstant(from, OFFSET);
        LocalDate last = LocalDate.ofInstant(to, OFFSET);
        for (; !d.isAfter(last); d = d.plusDays(1)) {
            out.add(d);
        }
        return out;
    }
}
