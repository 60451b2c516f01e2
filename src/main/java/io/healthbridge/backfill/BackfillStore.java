package io.healthbridge.backfill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.healthbridge.store.StoreException;

/** Backfill jobs over JDBC. */
public class BackfillStore {

    private final DataSource dataSource;
    private final Clock clock;

    public BackfillStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Backfill create(String connectionId, String provider, List<String> datasets, Instant from, Instant to,
            int chunksTotal) {
        String id = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(clock.instant());
        update("INSERT INTO backfills (id, connection_id, provider, datasets, range_from, range_to, status, chunks_total, "
               + "chunks_done, dataset_index, window_start, chunk_attempts, events_published, duplicates, dead_lettered, "
               + "errors, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, 0, 0, ?, 0, 0, 0, 0, 0, ?, ?)",
                id, connectionId, provider, String.join(",", datasets), Timestamp.from(from), Timestamp.from(to), chunksTotal,
                Timestamp.from(from), now, now);
        return get(id).orElseThrow();
    }

    public Optional<Backfill> get(String id) {
        return select("SELECT * FROM backfills WHERE id = ?", id).stream().findFirst();
    }

    public List<Backfill> running() {
        return select("SELECT * FROM backfills WHERE status = 'running' ORDER BY created_at");
    }

    public List<Backfill> ofConnection(String connectionId) {
        return select("SELECT * FROM backfills WHERE connection_id = ? ORDER BY created_at DESC", connectionId);
    }

    /** Stores the job's position and counters after a chunk (or a failed attempt). */
    public void save(Backfill b) {
        update("UPDATE backfills SET status = ?, chunks_done = ?, dataset_index = ?, window_start = ?, chunk_attempts = ?, "
               + "events_published = ?, duplicates = ?, dead_lettered = ?, errors = ?, last_error = ?, updated_at = ?, "
               + "finished_at = ?, lease_until = NULL WHERE id = ?", b.status(), b.chunksDone(), b.datasetIndex(), Timestamp.from(b.windowStart()),
                b.chunkAttempts(), b.eventsPublished(), b.duplicates(), b.deadLettered(), b.errors(), b.lastError(),
                Timestamp.from(clock.instant()), b.finishedAt() == null ? null : Timestamp.from(b.finishedAt()), b.id());
    }

    /**
     * Claims the backfill's next chunk, as {@code b} saw it, until {@code leaseUntil}: false when another instance holds
     * it or has moved the backfill on since {@code b} was read.
     */
    public boolean claim(Backfill b, Instant leaseUntil) {
        Timestamp now = Timestamp.from(clock.instant());
        return update("UPDATE backfills SET lease_until = ? WHERE id = ? AND status = 'running' AND chunks_done = ? "
                      + "AND dataset_index = ? AND window_start = ? AND chunk_attempts = ? "
                      + "AND (lease_until IS NULL OR lease_until < ?)", Timestamp.from(leaseUntil), b.id(), b.chunksDone(),
                b.datasetIndex(), Timestamp.from(b.windowStart()), b.chunkAttempts(), now) == 1;
    }

    /** Gives a claimed chunk back unrun (the provider asked for a pause). */
    public void release(String id) {
        update("UPDATE backfills SET lease_until = NULL WHERE id = ?", id);
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update backfills", e);
        }
    }

    private List<Backfill> select(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Backfill> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp finished = rs.getTimestamp("finished_at");
                    out.add(new Backfill(rs.getString("id"), rs.getString("connection_id"), rs.getString("provider"),
                            List.of(rs.getString("datasets").split(",")), rs.getTimestamp("range_from").toInstant(),
                            rs.getTimestamp("range_to").toInstant(), rs.getString("status"), rs.getInt("chunks_total"),
                            rs.getInt("chunks_done"), rs.getInt("dataset_index"), rs.getTimestamp("window_start").toInstant(),
                            rs.getInt("chunk_attempts"), rs.getLong("events_published"), rs.getLong("duplicates"),
                            rs.getLong("dead_lettered"), rs.getInt("errors"), rs.getString("last_error"),
                            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                            finished == null ? null : finished.toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read backfills", e);
        }
    }
}
