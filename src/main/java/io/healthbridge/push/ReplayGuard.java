package io.healthbridge.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * Remembers the signatures of accepted push notifications for the freshness window, in the store every instance
 * shares: the same signed notification sent again within the window (a replay) is refused. The primary key decides
 * atomically which of two concurrent copies is first.
 */
public class ReplayGuard {

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration window;
    private volatile Instant nextPurge = Instant.EPOCH;

    public ReplayGuard(DataSource dataSource, Clock clock, Duration window) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.window = window;
    }

    /** True for the first copy of a signature within the window (now recorded); false for a replay. */
    public boolean claim(String provider, String signature) {
        Instant now = clock.instant();
        purge(now);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO push_signatures (id, seen_at) VALUES (?, ?)")) {
            ps.setString(1, id(provider, signature));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false; // the key exists: seen within the window
            }
            throw new StoreException("cannot record a push signature", e);
        }
    }

    /** Forgets a claim whose notification could not be stored, so the provider's retry is accepted. */
    public void release(String provider, String signature) {
        Sql.update(dataSource, "release a push signature",
                "DELETE FROM push_signatures WHERE id = ?", id(provider, signature));
    }

    private void purge(Instant now) {
        if (now.isBefore(nextPurge)) {
            return;
        }
        nextPurge = now.plusSeconds(60);
        Sql.update(dataSource, "purge push signatures",
                "DELETE FROM push_signatures WHERE seen_at < ?", Timestamp.from(now.minus(window).minus(window)));
    }

    private static String id(String provider, String signature) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((provider + "\n" + signature).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
