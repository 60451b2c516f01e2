package io.healthbridge.push;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.healthbridge.store.StoreException;

/** Accepted push notifications waiting to be processed (the durable queue between acknowledgement and fetch). */
public class PushInbox {

    /** One stored notification. */
    public record Notification(String id, String provider, String connectionId, List<String> datasets, String body,
            int attempts, String deletion) {

        public Notification(String id, String provider, String connectionId, List<String> datasets, String body,
                int attempts) {
            this(id, provider, connectionId, datasets, body, attempts, null);
        }
    }

    private final DataSource dataSource;
    private final Clock clock;

    public PushInbox(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public String add(String provider, String connectionId, List<String> datasets, String body) {
        return add(provider, connectionId, datasets, body, null);
    }

    /** Stores a notification; {@code deletion} (JSON, or null) is a record the provider deleted. */
    public String add(String provider, String connectionId, List<String> datasets, String body, String deletion) {
        String id = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(clock.instant());
        update("INSERT INTO inbound_notifications (id, provider, connection_id, datasets, body, status, attempts, "
               + "next_attempt_at, received_at, deletion) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)", id, provider,
                connectionId, String.join(",", datasets), body, now, now, deletion);
        return id;
    }

    public List<Notification> due(int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM inbound_notifications WHERE status IN ('pending', 'processing') AND next_attempt_at <= ? "
                + "ORDER BY received_at LIMIT " + limit)) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            List<Notification> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Notification(rs.getString("id"), rs.getString("provider"), rs.getString("connection_id"),
                            datasets(rs.getString("datasets")), rs.getString("body"), rs.getInt("attempts"),
                            rs.getString("deletion")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read notifications", e);
        }
    }

    /**
     * Takes a due notification for this instance until {@code leaseUntil}: true when it got it, false when another
     * instance took it first. A claim whose instance died runs out and the notification is due again.
     */
    private static List<String> datasets(String column) {
        return column == null || column.isEmpty() ? List.of() : List.of(column.split(","));
    }

    public boolean claim(String id, Instant leaseUntil) {
        Timestamp now = Timestamp.from(clock.instant());
        return update("UPDATE inbound_notifications SET status = 'processing', next_attempt_at = ? WHERE id = ? "
                      + "AND status IN ('pending', 'processing') AND next_attempt_at <= ?",
                Timestamp.from(leaseUntil), id, now) == 1;
    }

    public void processed(String id) {
        update("UPDATE inbound_notifications SET status = 'processed', processed_at = ?, last_error = NULL WHERE id = ?",
                Timestamp.from(clock.instant()), id);
    }

    /** Records a failed processing; due again at {@code next}, or failed for good when {@code next} is null. */
    public void failed(String id, String error, Instant next) {
        update("UPDATE inbound_notifications SET attempts = attempts + 1, last_error = ?, status = ?, next_attempt_at = ? "
               + "WHERE id = ?", error, next == null ? "failed" : "pending",
                Timestamp.from(next == null ? clock.instant() : next), id);
    }

    public long count(String status) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM inbound_notifications WHERE status = ?")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count notifications", e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update notifications", e);
        }
    }
}
