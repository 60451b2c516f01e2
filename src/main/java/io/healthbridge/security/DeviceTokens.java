package io.healthbridge.security;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * Tokens of end users' phone apps: each may write one user's phone health data and nothing else. A token is shown
 * once when made and kept as a SHA-256 digest (256 random bits: a fast digest is as strong as a password hash here);
 * revoked ones stop at once.
 */
public class DeviceTokens {

    /** Every device token starts so: an API key ({@code hbk_}) is never taken for one, nor one for it. */
    public static final String PREFIX = "hbd_";

    /** A token just made, shown once. */
    public record Issued(String id, String userId, String token, Instant createdAt) {
    }

    /** A token as listed: never the token. */
    public record Listed(String id, String label, String prefix, Instant createdAt, Instant revokedAt) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public DeviceTokens(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Issued issue(String userId, String label) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Sql.update(dataSource, "store a device token", "INSERT INTO device_tokens (id, user_id, label, prefix, "
                + "token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)", id, userId, label, token.substring(0, 10),
                ApiKeys.digest(token), Timestamp.from(now));
        return new Issued(id, userId, token, now);
    }

    /** The user a token may write for; empty for an unknown, revoked or malformed one. */
    public Optional<String> userOf(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT user_id FROM device_tokens WHERE token_hash = ? AND revoked_at IS NULL")) {
            ps.setString(1, ApiKeys.digest(token));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check a device token", e);
        }
    }

    public List<Listed> list(String userId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM device_tokens WHERE user_id = ? ORDER BY created_at, id")) {
            ps.setString(1, userId);
            List<Listed> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp revoked = rs.getTimestamp("revoked_at");
                    out.add(new Listed(rs.getString("id"), rs.getString("label"), rs.getString("prefix"),
                            rs.getTimestamp("created_at").toInstant(), revoked == null ? null : revoked.toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list device tokens", e);
        }
    }

    /** Revokes one of the user's tokens; false when the user has no such token still valid. */
    public boolean revoke(String userId, String tokenId) {
        return Sql.update(dataSource, "revoke a device token", "UPDATE device_tokens SET revoked_at = ? WHERE id = ? "
                + "AND user_id = ? AND revoked_at IS NULL", Timestamp.from(clock.instant()), tokenId, userId) == 1;
    }
}
