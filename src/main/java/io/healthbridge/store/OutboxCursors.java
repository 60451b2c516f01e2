package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * The durable positions of the outbox's readers ({@code outbox_cursors}): the webhook fan-out, the Kafka relay, the
 * reconciler, each route-file sink. A reader's position is the highest event sequence it has finished with.
 */
public class OutboxCursors {

    /** The names of route-file sinks' cursors: {@code sink:<sink id>}. */
    public static final String SINK_PREFIX = "sink:";

    private final DataSource dataSource;

    public OutboxCursors(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The saved position, or -1 when the reader never saved one. */
    public long get(String name) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM outbox_cursors WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbox cursor", e);
        }
    }

    public void save(String name, long seq) {
        if (Sql.update(dataSource, "save an outbox cursor", "UPDATE outbox_cursors SET last_seq = ? WHERE name = ?",
                seq, name) == 0) {
            Sql.update(dataSource, "save an outbox cursor", "INSERT INTO outbox_cursors (name, last_seq) VALUES (?, ?)",
                    name, seq);
        }
    }

    /** Every saved position whose name starts with {@code prefix}, by name. */
    public Map<String, Long> withPrefix(String prefix) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT name, last_seq FROM outbox_cursors WHERE name LIKE ? ESCAPE '\\' ORDER BY name")) {
            ps.setString(1, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbox cursors", e);
        }
    }

    /** Forgets a reader's position; true when there was one. */
    public boolean delete(String name) {
        return Sql.update(dataSource, "delete an outbox cursor", "DELETE FROM outbox_cursors WHERE name = ?", name) > 0;
    }
}
