package io.healthbridge.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Connections, their encrypted tokens and their sync cursors; pending OAuth authorizations. */
public interface ConnectionStore {

    /** Creates or (re)activates the connection of a user to a provider with new tokens. */
    Connection upsert(String userId, String provider, String providerUserId, String accessToken, String refreshToken,
            Instant expiresAt, String scope, String zone);

    Optional<Connection> get(String id);

    Optional<Connection> find(String userId, String provider);

    /** The active connection of a provider account (push notifications name the provider's user id). */
    Optional<Connection> findByProviderUser(String provider, String providerUserId);

    /** {@code provider} and {@code userId} filter when not null. */
    List<Connection> list(String provider, String userId);

    /** Per provider: its active connections, those in error, and the newest successful sync of any of them. */
    record SyncSummary(long active, long inError, Instant lastSyncAt) {
    }

    Map<String, SyncSummary> syncSummary();

    /**
     * Replaces the tokens only if the connection is still at {@code expectedVersion}: a rotated refresh token is
     * stored in the same statement as its access token, and two refreshes never overwrite each other.
     *
     * @return the updated connection, or empty when another refresh won
     */
    Optional<Connection> updateTokens(String id, long expectedVersion, String accessToken, String refreshToken,
            Instant expiresAt, String scope);

    void setStatus(String id, String status, String error);

    void recordSync(String id, Instant at, String error);

    Map<String, String> cursors(String connectionId);

    void saveCursor(String connectionId, String dataset, String cursor, Instant at);

    void recordCursorError(String connectionId, String dataset, String error);

    Map<String, String> cursorErrors(String connectionId);

    void saveState(String state, String provider, String userId, String codeVerifier, String redirectUri, Instant at);

    /** Takes a pending authorization (single use); empty when unknown or already used. */
    Optional<PendingAuthorization> takeState(String state);

    /** Deletes authorization states started before {@code before} (abandoned flows); how many. */
    int purgeStates(Instant before);

    /** A started OAuth authorization waiting for its callback. */
    record PendingAuthorization(String state, String provider, String userId, String codeVerifier, String redirectUri,
            Instant createdAt) {
    }
}
