package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.healthbridge.event.CanonicalEvent;

/** {@link EventStore} over JDBC; the SQL runs unchanged on H2 and PostgreSQL. */
public class JdbcEventStore implements EventStore {

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcEventStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public boolean insert(CanonicalEvent event) {
        String sql = "INSERT INTO events (id, event_key, type, provider, subject, event_time, payload, created_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, event.id());
            ps.setString(2, event.key() == null ? event.id() : event.key());
            ps.setString(3, event.type());
            ps.setString(4, event.provider());
            ps.setString(5, event.subject());
            ps.setObject(6, OffsetDateTime.parse(event.time()));
            ps.setString(7, event.toJsonString());
            ps.setTimestamp(8, Timestamp.from(clock.instant()));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw new StoreException("cannot store event " + event.id(), e);
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        // 23505: unique violation in both PostgreSQL and H2
        return "23505".equals(e.getSQLState());
    }

    @Override
    public Optional<StoredEvent> get(String id) {
        List<StoredEvent> found = query("SELECT * FROM events WHERE id = ?", List.of(id), 1);
        return found.stream().findFirst();
    }

    @Override
    public List<StoredEvent> after(long afterSeq, String type, String subject, String provider, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM events WHERE seq > ?");
        List<Object> args = new ArrayList<>(List.of(afterSeq));
        if (type != null) {
            sql.append(" AND type = ?");
            args.add(type);
        }
        if (subject != null) {
            sql.append(" AND subject = ?");
            args.add(subject);
        }
        if (provider != null) {
            sql.append(" AND provider = ?");
            args.add(provider);
        }
        sql.append(" ORDER BY seq");
        return query(sql.toString(), args, limit);
    }

    @Override
    public long count() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM events");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count events", e);
        }
    }

    @Override
    public long latestSeq() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM events");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the newest event", e);
        }
    }

    private List<StoredEvent> query(String sql, List<Object> args, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            ps.setMaxRows(limit);
            List<StoredEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredEvent(rs.getLong("seq"), rs.getString("id"), rs.getString("type"),
                            rs.getString("provider"), rs.getString("subject"), rs.getString("payload"),
                            rs.getTimestamp("created_at").toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read events", e);
        }
    }
}
