package io.healthbridge.delivery.webhook;

import java.time.Instant;
import java.util.List;

import io.healthbridge.event.TypeGlob;

/**
 * A webhook subscription. {@code eventTypes} may use {@code *} wildcards ({@code health.sleep_*}, {@code health.*});
 * {@code userIds} null means every user. Secrets are plain here, encrypted in the store; {@link #toString()} hides them.
 */
public record WebhookEndpoint(String id, String url, String description, List<String> eventTypes, List<String> userIds,
        String format, boolean enabled, String secret, String previousSecret, Instant previousSecretUntil,
        String disabledReason, Instant failingSince, Instant createdAt, Instant updatedAt) {

    public static final String CLOUDEVENTS = "cloudevents";
    public static final String FHIR = "fhir";

    public boolean matches(String type, String subject) {
        if (userIds != null && !userIds.isEmpty() && !userIds.contains(subject)) {
            return false;
        }
        for (String pattern : eventTypes) {
            if (TypeGlob.matches(pattern, type)) {
                return true;
            }
        }
        return false;
    }

    /** The previous secret while a rotation's overlap lasts, else null. */
    public String activePreviousSecret(Instant now) {
        return previousSecret != null && previousSecretUntil != null && previousSecretUntil.isAfter(now)
                ? previousSecret : null;
    }

    @Override
    public String toString() {
        return "WebhookEndpoint[" + id + " " + url + " " + eventTypes + " enabled=" + enabled + "]";
    }
}
