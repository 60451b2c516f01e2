package io.healthbridge.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * The days waiting to be reconciled again ({@code reconcile_pending}): a row per touch, so touches never race; a day is
 * recomputed once for all its rows, and only the rows read before are removed.
 */
public class ReconcileQueue {

    /** A person's day to recompute, in the zone of the events that touched it. */
    public record Touch(String user, LocalDate day, String zone) {
    }

    /** A day waiting, and the newest of its rows read. */
    record Pending(Touch touch, long upTo) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public ReconcileQueue(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    static final String INSERT = "INSERT INTO reconcile_pending (user_id, local_date, zone, requested_at) VALUES (?, ?, ?, ?)";

    public void add(Collection<Touch> touches) {
        if (touches.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(touches.size());
        Timestamp now = Timestamp.from(clock.instant());
        for (Touch t : touches) {
            rows.add(new Object[] {t.user(), t.day().toString(), t.zone(), now});
        }
        try {
            Sql.batch(dataSource, INSERT, rows);
        } catch (SQLException e) {
            throw new StoreException("cannot queue days to reconcile", e);
        }
    }

    /** The statement queueing a touch, for a caller's own transaction. */
    static Sql.Statement statement(Touch t, Clock clock) {
        return new Sql.Statement(INSERT, t.user(), t.day().toString(), t.zone(), Timestamp.from(clock.instant()));
    }

    /** The days waiting longest, at most {@code limit}, of anyone but the people {@code held}. */
    List<Pending> next(int limit, Collection<String> held) {
        String notHeld = held.isEmpty() ? "" : "WHERE user_id NOT IN (" + String.join(",",
                Collections.nCopies(held.size(), "?")) + ") ";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT user_id, local_date, zone, MAX(id) FROM reconcile_pending " + notHeld
                + "GROUP BY user_id, local_date, zone ORDER BY MIN(id)")) {
            int i = 1;
            for (String user : held) {
                ps.setString(i++, user);
            }
            ps.setMaxRows(limit);
            List<Pending> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(new Touch(rs.getString(1), LocalDate.parse(rs.getString(2)), rs.getString(3)),
                            rs.getLong(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the days to reconcile", e);
        }
    }

    /** Removes the rows of these days read with them, in one transaction; newer ones stay for the next round. */
    void done(List<Pending> days) {
        List<Object[]> rows = new ArrayList<>(days.size());
        for (Pending p : days) {
            rows.add(new Object[] {p.touch().user(), p.touch().day().toString(), p.touch().zone(), p.upTo()});
        }
        try {
            Sql.batch(dataSource, "DELETE FROM reconcile_pending WHERE user_id = ? AND local_date = ? AND zone = ? "
                                  + "AND id <= ?", rows);
        } catch (SQLException e) {
            throw new StoreException("cannot remove reconciled days from the queue", e);
        }
    }

    /** How many days wait. */
    public long waiting() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM (SELECT DISTINCT user_id, local_date, zone FROM reconcile_pending) d");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count the days to reconcile", e);
        }
    }
}
