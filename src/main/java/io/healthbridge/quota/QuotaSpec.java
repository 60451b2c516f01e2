package io.healthbridge.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Request limits as written in route files and configuration: {@code 300/1m,5000/1d} (per minute and per day);
 * units {@code s}, {@code m}, {@code h}, {@code d}. Empty or {@code none} means no limit.
 */
public record QuotaSpec(List<Limit> limits) {

    /** At most {@code requests} per {@code window}. */
    public record Limit(long requests, Duration window) {
    }

    public static QuotaSpec parse(String text) {
        List<Limit> limits = new ArrayList<>();
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("none")) {
            return new QuotaSpec(limits);
        }
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int slash = p.indexOf('/');
            if (slash <= 0) {
                throw new IllegalArgumentException("quota '" + part.trim() + "' is not <requests>/<window> such as 300/1m");
            }
            long requests;
            try {
                requests = Long.parseLong(p.substring(0, slash).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("quota '" + part.trim() + "': requests is not a whole number");
            }
            String w = p.substring(slash + 1).trim();
            if (w.isEmpty() || requests <= 0) {
                throw new IllegalArgumentException("quota '" + part.trim() + "' needs a positive count and a window");
            }
            char unit = w.charAt(w.length() - 1);
            long amount = w.length() == 1 ? 1 : Long.parseLong(w.substring(0, w.length() - 1));
            Duration window = switch (unit) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("quota '" + part.trim() + "': window unit must be s, m, h or d");
            };
            limits.add(new Limit(requests, window));
        }
        return new QuotaSpec(List.copyOf(limits));
    }

    public boolean isUnlimited() {
        return limits.isEmpty();
    }
}
