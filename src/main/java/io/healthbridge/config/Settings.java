package io.healthbridge.config;

import java.time.Duration;
import java.util.List;

import io.healthbridge.quota.QuotaSpec;
import org.apache.camel.CamelContext;

/**
 * Typed reads of the configuration. Every key has its default in {@code application.properties} (embedded in the jar,
 * overridden by a file of that name and by the environment), so a key missing here is a packaging error and named as
 * such, never a silent default that differs from the documented one.
 */
final class Settings {

    private final CamelContext context;

    Settings(CamelContext context) {
        this.context = context;
    }

    String text(String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElseThrow(() -> new IllegalStateException(
                "configuration key " + key + " is missing: application.properties declares every key"));
    }

    /** A key of Camel's own ({@code camel.*}) that application.properties need not declare; blank when unset. */
    String optional(String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("").trim();
    }

    int integer(String key) {
        String v = text(key).trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is '" + v + "': it must be a whole number");
        }
    }

    long number(String key) {
        String v = text(key).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is '" + v + "': it must be a whole number");
        }
    }

    boolean flag(String key) {
        String v = text(key).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " is '" + v + "': it must be true or false");
        }
        return Boolean.parseBoolean(v);
    }

    Duration millis(String key) {
        return Duration.ofMillis(number(key));
    }

    /** One duration such as {@code 30s}, {@code 5m}, {@code 7d}. */
    Duration duration(String key) {
        List<Duration> d = durations(key);
        if (d.size() != 1) {
            throw new IllegalArgumentException(key + " is '" + text(key) + "': it must be one duration such as 30s");
        }
        return d.get(0);
    }

    /** How long something is kept: one duration such as {@code 90d}, or {@code forever} (null). */
    Duration keptFor(String key) {
        return text(key).trim().equals("forever") ? null : duration(key);
    }

    /** A list such as {@code 0s,5s,5m}. */
    List<Duration> durations(String key) {
        try {
            return Durations.parse(text(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** A rate such as {@code 1200/1m}. */
    QuotaSpec rate(String key) {
        try {
            return QuotaSpec.parse(text(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }
}
