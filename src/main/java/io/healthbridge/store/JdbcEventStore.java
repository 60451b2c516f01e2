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

    private static final String INSERT = "INSERT INTO events (id, event_key, type, provider, subject, event_time, payload, "
                                         + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    /** Most inserts one group commit takes. */
    static final int GROUP = 256;

    private final DataSource dataSource;
    private final Clock clock;
    /** Group commit (the embedded store): publishers' inserts wait here for the writer's next transaction. */
    private final java.util.concurrent.BlockingQueue<Pending> pending;
    private final Thread writer;

    private record Pending(CanonicalEvent event, java.util.concurrent.CompletableFuture<Boolean> stored) {
    }

    /** Each insert in a transaction of its own (PostgreSQL: concurrent transactions commit in parallel). */
    public JdbcEventStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, false);
    }

    /**
     * With {@code groupCommit}, concurrent inserts are committed together by one writer thread, each caller answered
     * once the transaction holding its insert has committed. For the embedded H2 store, which writes every commit to
     * its file (durability before acknowledgement): one file write per group instead of one per event. A duplicate in a
     * group fails only its own statement (H2 rolls back the statement, not the transaction).
     */
    public JdbcEventStore(DataSource dataSource, Clock clock, boolean groupCommit) {
        this.dataSource = dataSource;
        this.clock = clock;
        if (groupCommit) {
            pending = new java.util.concurrent.LinkedBlockingQueue<>();
            writer = new Thread(this::writeGroups, "event-store-writer");
            writer.setDaemon(true);
            writer.start();
        } else {
            pending = null;
            writer = null;
        }
    }

    @Override
    public boolean insert(CanonicalEvent event) {
        if (pending != null) {
            var stored = new java.util.concurrent.CompletableFuture<Boolean>();
            pending.add(new Pending(event, stored));
            try {
                return stored.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while storing event " + event.id(), e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof StoreException se ? se
                        : new StoreException("cannot store event " + event.id(), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new StoreException("the store did not commit event " + event.id() + " within 30 s", e);
            }
        }
        return insertAlone(event);
    }

    private boolean insertAlone(CanonicalEvent event) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, event);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw new StoreException("cannot store event " + event.id(), e);
        }
    }

    private void bind(PreparedStatement ps, CanonicalEvent event) throws SQLException {
        ps.setString(1, event.id());
        ps.setString(2, event.key() == null ? event.id() : event.key());
        ps.setString(3, event.type());
        ps.setString(4, event.provider());
        ps.setString(5, event.subject());
        ps.setObject(6, OffsetDateTime.parse(event.time()));
        ps.setString(7, event.toJsonString());
        ps.setTimestamp(8, Timestamp.from(clock.instant()));
    }

    /** The writer: takes what is waiting (up to {@link #GROUP}), inserts it in one transaction, commits, answers. */
    private void writeGroups() {
        List<Pending> group = new ArrayList<>(GROUP);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                group.add(pending.take());
            } catch (InterruptedException e) {
                break;
            }
            pending.drainTo(group, GROUP - 1);
            boolean[] inserted = new boolean[group.size()];
            boolean failed = false;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (int i = 0; i < group.size(); i++) {
                        try {
                            bind(ps, group.get(i).event());
                            ps.executeUpdate();
                            inserted[i] = true;
                        } catch (SQLException e) {
                            if (!isUniqueViolation(e)) {
                                throw e;
                            }
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException | RuntimeException e) {
                failed = true; // rolled back: each insert again on its own, so only a bad one fails
            }
            for (int i = 0; i < group.size(); i++) {
                Pending p = group.get(i);
                if (!failed) {
                    p.stored().complete(inserted[i]);
                    continue;
                }
                try {
                    p.stored().complete(insertAlone(p.event()));
                } catch (RuntimeException e) {
                    p.stored().completeExceptionally(e);
                }
            }
            group.clear();
        }
        Pending left;
        while ((left = pending.poll()) != null) {
            left.stored().completeExceptionally(new StoreException("the store is closing", null));
        }
    }

    /** Stops the group-commit writer; inserts still waiting fail. */
    public void close() {
        if (writer != null) {
            writer.interrupt();
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
