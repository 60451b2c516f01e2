package io.healthbridge.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Duration lists in configuration values. */
final class Durations {

    private Durations() {
    }

    /** {@code 0s,5s,5m,30m,2h,5h,10h,10h}: durations with unit ms, s, m, h or d. */
    static List<Duration> parse(String text) {
        List<Duration> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            try {
                if (p.endsWith("ms")) {
                    out.add(Duration.ofMillis(Long.parseLong(p.substring(0, p.length() - 2))));
                    continue;
                }
                long n = Long.parseLong(p.substring(0, p.length() - 1));
                out.add(switch (p.charAt(p.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                });
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not a duration such as 5s, 30m, 2h or 5d");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no duration");
        }
        return out;
    }
}
