package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;

import javax.sql.DataSource;

/** Each end user's data key, as sealed by the secret key; erasure deletes the row (see {@link UserData#erase}). */
public class UserKeyStore {

    private final DataSource dataSource;
    private final Clock clock;

    public UserKeyStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The user's sealed key, if the user has one. */
    public Optional<String> sealedKey(String userId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT sealed_key FROM user_keys WHERE user_id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read a user's key", e);
        }
    }

    /**
     * Stores {@code sealedKey} as the user's key unless the user has one already, and returns the one that holds: two
     * instances creating a key for the same user at once end up with the same key.
     */
    public String createIfAbsent(String userId, String sealedKey) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_keys (user_id, sealed_key, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, userId);
            ps.setString(2, sealedKey);
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
            ps.executeUpdate();
            return sealedKey;
        } catch (SQLException e) {
            // a duplicate key (class 23): another instance was first
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return sealedKey(userId).orElseThrow(() -> new StoreException("a user's key vanished as it was made",
                        e));
            }
            throw new StoreException("cannot store a user's key", e);
        }
    }
}
