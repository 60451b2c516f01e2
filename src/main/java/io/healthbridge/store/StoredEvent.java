package io.healthbridge.store;

import java.time.Instant;

/** A published canonical event as kept in the store, with its position in the publish order. */
public record StoredEvent(long seq, String id, String type, String provider, String subject, String payload,
        Instant createdAt) {
}
