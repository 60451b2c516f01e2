package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * What the store holds about one end user, across tables: who the users are (a connection or a device token), the
 * data types held for one, and the erasure of every row that holds a user's data or identifiers.
 */
public class UserData {

    /** A user as listed: connections (all, active), the newest sync of any of them. */
    public record Summary(String userId, int connections, int active, Instant lastSyncAt) {
    }

    /** The events held of one type for a user. */
    public record TypeHeld(String type, long count, Instant first, Instant last) {
    }

    private final DataSource dataSource;

    public UserData(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Users with a connection or a device token, by id, a page at a time. */
    public List<Summary> list(int limit, int offset) {
        String sql = "SELECT u.user_id, COALESCE(k.n, 0) AS n, COALESCE(k.a, 0) AS a, k.s FROM (SELECT user_id "
                     + "FROM connections UNION SELECT user_id FROM device_tokens) u LEFT JOIN (SELECT user_id, "
                     + "COUNT(*) AS n, SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS a, MAX(last_sync_at) AS s "
                     + "FROM connections GROUP BY user_id) k ON k.user_id = u.user_id ORDER BY u.user_id LIMIT ? OFFSET ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
            List<Summary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp s = rs.getTimestamp("s");
                    out.add(new Summary(rs.getString("user_id"), rs.getInt("n"), rs.getInt("a"),
                            s == null ? null : s.toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list users", e);
        }
    }

    /** Whether the user has a device token, revoked or not (a phone app's user may have no connection). */
    public boolean hasDeviceTokens(String userId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM device_tokens WHERE user_id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read a user's device tokens", e);
        }
    }

    /**
     * The types of event held for a user, with counts and the first and last measurement time; the notice of an
     * erasure (kept so that it reaches every consumer) is not data held.
     */
    public List<TypeHeld> typesHeld(String userId) {
        String sql = "SELECT type, COUNT(*) AS n, MIN(event_time) AS f, MAX(event_time) AS l FROM events "
                     + "WHERE subject = ? AND type <> 'healthbridge.user.erased' GROUP BY type ORDER BY type";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, userId);
            List<TypeHeld> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TypeHeld(rs.getString("type"), rs.getLong("n"), rs.getTimestamp("f").toInstant(),
                            rs.getTimestamp("l").toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the data held for a user", e);
        }
    }

    /**
     * Deletes, in one transaction, every row that holds the user's data or identifiers: events and the webhook
     * deliveries and attempts of them (or carrying a copy), dead letters, push notifications, backfills, sync cursors,
     * pending OAuth authorizations, connections with their tokens, device tokens, and the user's key
     * (crypto-shredding); audit entries naming the user by path get {@code replacement} instead. Returns the rows
     * removed per table.
     */
    public Map<String, Long> erase(String userId, String replacement) {
        String mine = "SELECT id FROM connections WHERE user_id = ?";
        String copy = "%\"subject\":\"" + like(userId) + "\"%";
        String deliveries = "SELECT id FROM webhook_deliveries WHERE event_id IN (SELECT id FROM events WHERE subject = ?) "
                            + "OR (payload IS NOT NULL AND payload LIKE ? ESCAPE '\\')";
        try {
            return Sql.transaction(dataSource, c -> {
                // first: every instance's writes of the person under way are waited out, and the later ones withheld
                SharedErasures.mark(c, userId, Instant.now());
                Map<String, Long> n = new LinkedHashMap<>();
                n.put("webhook_attempts", run(c, "DELETE FROM webhook_attempts WHERE delivery_id IN (" + deliveries
                                                 + ")", userId, copy));
                n.put("webhook_deliveries", run(c, "DELETE FROM webhook_deliveries WHERE id IN (" + deliveries + ")",
                        userId, copy));
                // the cascade would take a workout's streams with their event; counted here, as everything else is
                n.put("event_streams", run(c, "DELETE FROM event_streams WHERE event_id IN (SELECT id FROM events "
                                              + "WHERE subject = ?)", userId));
                n.put("events", run(c, "DELETE FROM events WHERE subject = ?", userId));
                n.put("dead_letters", run(c, "DELETE FROM dead_letters d WHERE d.user_id = ? OR EXISTS (SELECT 1 FROM "
                        + "connections k WHERE k.user_id = ? AND k.provider = d.provider "
                        + "AND k.provider_user_id = d.provider_user_id)", userId, userId));
                n.put("inbound_notifications", run(c, "DELETE FROM inbound_notifications WHERE connection_id IN ("
                                                      + mine + ")", userId));
                n.put("backfills", run(c, "DELETE FROM backfills WHERE connection_id IN (" + mine + ")", userId));
                n.put("sync_cursors", run(c, "DELETE FROM sync_cursors WHERE connection_id IN (" + mine + ")", userId));
                n.put("oauth_states", run(c, "DELETE FROM oauth_states WHERE user_id = ?", userId));
                n.put("connections", run(c, "DELETE FROM connections WHERE user_id = ?", userId));
                // the key of the user's events on the Kafka bus: what the topic still holds cannot be read any more
                n.put("user_keys", run(c, "DELETE FROM user_keys WHERE user_id = ?", userId));
                n.put("device_tokens", run(c, "DELETE FROM device_tokens WHERE user_id = ?", userId));
                // an import still running finds its row gone and stops; its file is deleted by whoever holds it
                n.put("imports", run(c, "DELETE FROM imports WHERE user_id = ?", userId));
                n.put("source_priorities", run(c, "DELETE FROM source_priorities WHERE user_id = ?", userId));
                n.put("reconcile_pending", run(c, "DELETE FROM reconcile_pending WHERE user_id = ?", userId));
                String path = "/users/" + userId;
                n.put("audit_log", run(c, "UPDATE audit_log SET target = REPLACE(target, ?, ?) WHERE target LIKE ? "
                        + "ESCAPE '\\' OR target LIKE ? ESCAPE '\\'", path, "/users/" + replacement,
                        "%" + like(path), "%" + like(path) + "/%"));
                return n;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot erase a user", e);
        }
    }

    private static long run(Connection c, String sql, Object... args) throws SQLException {
        return Sql.run(c, sql, args);
    }

    /** A value matched literally inside a LIKE pattern. */
    private static String like(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
