package io.healthbridge.store;

import java.time.Instant;

/**
 * A Healthbridge user linked to a provider account. Tokens here are plain text in memory only; the store keeps them
 * encrypted. {@link #toString()} never shows them. {@code readAt} is when this copy was read from the store
 * ({@link ErasureGate#now()}): work done with it began then, and an erasure of the user after that withholds what the
 * work brings back.
 */
public record Connection(String id, String userId, String provider, String providerUserId, String status,
        String accessToken, String refreshToken, Instant tokenExpiresAt, String scope, String zone, String lastError,
        Instant lastSyncAt, Instant createdAt, Instant updatedAt, long version, long readAt) {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";
    public static final String ERROR = "error";

    public boolean isActive() {
        return ACTIVE.equals(status);
    }

    public Connection withTokens(String access, String refresh, Instant expiresAt, String newScope) {
        return new Connection(id, userId, provider, providerUserId, status, access,
                refresh == null ? refreshToken : refresh, expiresAt, newScope == null ? scope : newScope, zone,
                lastError, lastSyncAt, createdAt, updatedAt, version, readAt);
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + provider + " user=" + userId + " status=" + status + "]";
    }
}
