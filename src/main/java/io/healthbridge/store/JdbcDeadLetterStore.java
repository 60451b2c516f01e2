package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** {@link DeadLetterStore} over JDBC; the SQL runs unchanged on H2 and PostgreSQL. */
public class JdbcDeadLetterStore implements DeadLetterStore {

    private final DataSource dataSource;

    public JdbcDeadLetterStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void add(DeadLetter d) {
        try {
            Sql.transaction(dataSource, c -> {
                insert(c, List.of(d));
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store dead letter", e);
        }
    }

    /** Inserts dead letters on the connection's transaction (a payload's, with its events). */
    static void insert(Connection c, List<DeadLetter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO dead_letters (id, provider, dataset, user_id, provider_user_id, zone, stage, "
                     + "reason_code, reason, raw, event, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (DeadLetter d : letters) {
                ps.setString(1, d.id());
                ps.setString(2, d.provider());
                ps.setString(3, storable(d.dataset()));
                ps.setString(4, storable(d.userId()));
                ps.setString(5, storable(d.providerUserId()));
                ps.setString(6, storable(d.zone()));
                ps.setString(7, d.stage());
                ps.setString(8, d.reasonCode());
                ps.setString(9, storable(d.reason()));
                ps.setString(10, storable(d.raw()));
                ps.setString(11, storable(d.event()));
                ps.setString(12, d.status());
                ps.setTimestamp(13, Timestamp.from(d.createdAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Optional<DeadLetter> get(String id) {
        return select("SELECT * FROM dead_letters WHERE id = ?", List.of(id), 1, 0).stream().findFirst();
    }

    @Override
    public List<Listed> list(String provider, String status, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT id, provider, dataset, user_id, provider_user_id, zone, stage, "
                + "reason_code, reason, SUBSTRING(raw, 1, " + EXCERPT_CHARS + ") AS raw, CHAR_LENGTH(raw) AS raw_size, "
                + "SUBSTRING(event, 1, " + EXCERPT_CHARS + ") AS event, CHAR_LENGTH(event) AS event_size, status, "
                + "created_at, replayed_at, replay_result FROM dead_letters WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, provider, status);
        sql.append(" ORDER BY created_at DESC, id LIMIT ").append(Math.max(0, limit)).append(" OFFSET ")
                .append(Math.max(0, offset));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args);
            List<Listed> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Listed(row(rs), rs.getLong("raw_size"), rs.getLong("event_size")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list dead letters", e);
        }
    }

    @Override
    public long count(String provider, String status) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM dead_letters WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, provider, status);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count dead letters", e);
        }
    }

    @Override
    public void recordReplay(String id, boolean published, String result, Instant at) {
        String sql = published
                ? "UPDATE dead_letters SET status = 'replayed', replayed_at = ?, replay_result = ? WHERE id = ?"
                : "UPDATE dead_letters SET replayed_at = ?, replay_result = ? WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, result);
            ps.setString(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record replay of dead letter " + id, e);
        }
    }

    /**
     * Text as a store can keep it: PostgreSQL refuses the NUL character in text, and a dead letter is often a payload
     * holding one, so NUL is kept as the visible escape {@code \u0000} on every store.
     */
    static String storable(String text) {
        return text == null ? null : text.replace("\u0000", "\\u0000");
    }

    private static void filter(StringBuilder sql, List<Object> args, String provider, String status) {
        if (provider != null) {
            sql.append(" AND provider = ?");
            args.add(provider);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private List<DeadLetter> select(String sql, List<Object> args, int limit, int offset) {
        String paged = sql + " LIMIT " + Math.max(0, limit) + " OFFSET " + Math.max(0, offset);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(paged)) {
            bind(ps, args);
            List<DeadLetter> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read dead letters", e);
        }
    }

    private static DeadLetter row(ResultSet rs) throws SQLException {
        Timestamp replayed = rs.getTimestamp("replayed_at");
        return new DeadLetter(rs.getString("id"), rs.getString("provider"), rs.getString("dataset"),
                rs.getString("user_id"), rs.getString("provider_user_id"), rs.getString("zone"), rs.getString("stage"),
                rs.getString("reason_code"), rs.getString("reason"), rs.getString("raw"), rs.getString("event"),
                rs.getString("status"), rs.getTimestamp("created_at").toInstant(),
                replayed == null ? null : replayed.toInstant(), rs.getString("replay_result"));
    }
}
