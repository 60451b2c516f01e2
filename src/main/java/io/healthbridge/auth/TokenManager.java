package io.healthbridge.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens of user connections: refreshed shortly before they expire and once after a 401. A rotated refresh
 * token is stored in the same update as its access token, guarded by the connection's version, so a refresh that
 * loses a race takes the winner's tokens instead of overwriting them (losing a rotated refresh token loses the user).
 * A refresh the provider refuses for good marks the connection revoked and publishes {@code connection.revoked}.
 */
public class TokenManager {

    private static final Logger LOG = LoggerFactory.getLogger(TokenManager.class);

    private final ConnectionStore store;
    private final OAuthClient oauth;
    private final Function<String, OAuthSettings> settings;
    private final ConnectionEvents events;
    private final Clock clock;
    private final Duration skew;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public TokenManager(ConnectionStore store, OAuthClient oauth, Function<String, OAuthSettings> settings,
            ConnectionEvents events, Clock clock, Duration skew) {
        this.store = store;
        this.oauth = oauth;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.skew = skew;
    }

    /** A usable access token, refreshed first when it expires within the skew. */
    public String accessToken(Connection c) {
        Connection current = store.get(c.id()).orElseThrow(() -> new ConnectionRevokedException("connection deleted"));
        if (!current.isActive()) {
            throw new ConnectionRevokedException("connection " + c.id() + " is " + current.status());
        }
        if (current.tokenExpiresAt() != null && current.tokenExpiresAt().isBefore(clock.instant().plus(skew))) {
            return refresh(current, current.accessToken()).accessToken();
        }
        return current.accessToken();
    }

    /** After a 401 with {@code rejectedToken}: a fresh token, refreshed unless another caller already did. */
    public String afterUnauthorized(Connection c, String rejectedToken) {
        Connection current = store.get(c.id()).orElseThrow(() -> new ConnectionRevokedException("connection deleted"));
        return refresh(current, rejectedToken).accessToken();
    }

    private Connection refresh(Connection c, String staleToken) {
        synchronized (locks.computeIfAbsent(c.id(), k -> new Object())) {
            Connection latest = store.get(c.id()).orElseThrow(() -> new ConnectionRevokedException("connection deleted"));
            if (!latest.isActive()) {
                throw new ConnectionRevokedException("connection " + c.id() + " is " + latest.status());
            }
            boolean alreadyFresh = latest.accessToken() != null && !latest.accessToken().equals(staleToken)
                                   && (latest.tokenExpiresAt() == null
                                       || latest.tokenExpiresAt().isAfter(clock.instant().plus(skew)));
            if (alreadyFresh) {
                return latest;
            }
            TokenSet tokens;
            try {
                tokens = oauth.refresh(settings.apply(c.provider()), latest.refreshToken());
            } catch (OAuthException e) {
                if (e.isPermanent()) {
                    store.setStatus(c.id(), Connection.REVOKED, e.getMessage());
                    LOG.warn("Connection {} ({} of user {}) revoked: {}", c.id(), c.provider(), c.userId(), e.getMessage());
                    events.revoked(latest, e.getMessage());
                    throw new ConnectionRevokedException(e.getMessage());
                }
                throw e;
            }
            var updated = store.updateTokens(c.id(), latest.version(), tokens.accessToken(), tokens.refreshToken(),
                    tokens.expiresAt(), tokens.scope());
            if (updated.isEmpty()) {
                // another writer changed the connection between our read and write: use what it stored
                return store.get(c.id()).orElseThrow();
            }
            LOG.info("Refreshed the access token of connection {} ({}), valid until {}", c.id(), c.provider(),
                    tokens.expiresAt());
            return updated.get();
        }
    }
}
