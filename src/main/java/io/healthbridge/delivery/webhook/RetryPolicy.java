package io.healthbridge.delivery.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: the retry schedule's next step with ±20 % jitter, never sooner than the
 * receiver's {@code Retry-After}; none once the schedule has run out.
 */
record RetryPolicy(List<Duration> schedule, DoubleSupplier random) {

    /** The time of attempt {@code attemptsMade + 1}, or null when the schedule has run out. */
    Instant next(Instant now, int attemptsMade, Duration retryAfter) {
        if (attemptsMade >= schedule.size()) {
            return null;
        }
        long base = schedule.get(attemptsMade).toMillis();
        long jittered = base == 0 ? 0 : (long) (base * (0.8 + random.getAsDouble() * 0.4));
        if (retryAfter != null) {
            jittered = Math.max(jittered, retryAfter.toMillis());
        }
        return now.plusMillis(jittered);
    }

    /** The {@code Retry-After} of an answer in seconds (the form receivers send), or null. */
    static Duration retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").map(RetryPolicy::seconds).orElse(null);
    }

    static Duration seconds(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
