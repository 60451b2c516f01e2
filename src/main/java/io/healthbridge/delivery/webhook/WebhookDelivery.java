package io.healthbridge.delivery.webhook;

import java.time.Instant;

/**
 * One event to one endpoint, with its state: {@code pending} (due at {@code nextAttemptAt}), {@code sending} (claimed;
 * {@code nextAttemptAt} is the lease end), {@code delivered}, {@code failed} (the retry schedule ran out) or
 * {@code abandoned} (the endpoint is gone or answered 410).
 */
public record WebhookDelivery(String id, String endpointId, String eventId, String eventType, String payload,
        String status, int attempts, Instant nextAttemptAt, Integer lastStatusCode, String lastError, Long lastLatencyMs,
        Instant createdAt, Instant updatedAt) {

    public static final String PENDING = "pending";
    public static final String SENDING = "sending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String ABANDONED = "abandoned";
}
