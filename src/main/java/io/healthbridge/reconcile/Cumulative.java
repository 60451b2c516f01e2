package io.healthbridge.reconcile;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A day's total of a cumulative type (steps, distance, energy) from several sources without double counting
 * (contract {@code apple-health.md} §3): sources are taken in priority order; each sample counts only for the part
 * of its interval no higher-priority source has covered, its value pro-rated by that part (and by the part inside
 * the day). Complementary sources add up; overlapping ones never count twice.
 */
final class Cumulative {

    record Sample(String source, String eventId, Instant start, Instant end, BigDecimal value) {
    }

    /** What one source gave to the total, and the events it came from. */
    record Share(String source, BigDecimal value, List<String> eventIds) {
    }

    record Result(BigDecimal total, List<Share> shares) {
    }

    private Cumulative() {
    }

    static Result merge(List<Sample> samples, Comparator<String> order, Instant dayStart, Instant dayEnd) {
        Map<String, List<Sample>> bySource = new TreeMap<>(order);
        for (Sample s : samples) {
            bySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s);
        }
        List<Instant[]> covered = new ArrayList<>();
        List<Share> shares = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Map.Entry<String, List<Sample>> source : bySource.entrySet()) {
            BigDecimal sum = BigDecimal.ZERO;
            List<String> ids = new ArrayList<>();
            List<Instant[]> mine = new ArrayList<>();
            for (Sample s : source.getValue()) {
                Instant from = max(s.start(), dayStart);
                Instant to = min(s.end(), dayEnd);
                long length = Duration.between(s.start(), s.end()).toMillis();
                BigDecimal used;
                if (length == 0) {
                    // a sample of no length counts whole, unless a higher-priority source covers its instant
                    boolean inDay = !s.start().isBefore(dayStart) && s.start().isBefore(dayEnd);
                    used = inDay && !isCovered(covered, s.start()) ? s.value() : BigDecimal.ZERO;
                } else if (!from.isBefore(to)) {
                    used = BigDecimal.ZERO;
                } else {
                    long free = uncovered(covered, from, to);
                    used = s.value().multiply(BigDecimal.valueOf(free))
                            .divide(BigDecimal.valueOf(length), MathContext.DECIMAL64);
                    mine.add(new Instant[] {from, to});
                }
                if (used.signum() > 0) {
                    ids.add(s.eventId());
                    sum = sum.add(used);
                }
            }
            covered.addAll(mine);
            if (!ids.isEmpty()) {
                shares.add(new Share(source.getKey(), sum.setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros(),
                        ids));
                total = total.add(sum);
            }
        }
        return new Result(total.setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros(), shares);
    }

    /** Milliseconds of [from, to) that no covered interval holds. */
    static long uncovered(List<Instant[]> covered, Instant from, Instant to) {
        List<Instant[]> parts = new ArrayList<>();
        for (Instant[] c : covered) {
            Instant a = max(c[0], from);
            Instant b = min(c[1], to);
            if (a.isBefore(b)) {
                parts.add(new Instant[] {a, b});
            }
        }
        parts.sort(Comparator.comparing(p -> p[0]));
        long taken = 0;
        Instant reach = from;
        for (Instant[] p : parts) {
            Instant a = max(p[0], reach);
            if (a.isBefore(p[1])) {
                taken += Duration.between(a, p[1]).toMillis();
                reach = p[1];
            }
        }
        return Duration.between(from, to).toMillis() - taken;
    }

    private static boolean isCovered(List<Instant[]> covered, Instant t) {
        return covered.stream().anyMatch(c -> !t.isBefore(c[0]) && t.isBefore(c[1]));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static Map<String, Object> toJson(Result r, String unit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("value", r.total());
        out.put("unit", unit);
        out.put("rule", DayView.RULE_TOTAL);
        List<Map<String, Object>> sources = new ArrayList<>();
        List<String> derived = new ArrayList<>();
        for (Share s : r.shares()) {
            sources.add(Map.of("source", s.source(), "value", s.value()));
            derived.addAll(s.eventIds());
        }
        out.put("sources", sources);
        out.put("derived_from", derived);
        return out;
    }
}
