package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.WorkoutStreams;

/** {@link EventStore} over JDBC; the SQL runs unchanged on H2 and PostgreSQL. */
public class JdbcEventStore implements EventStore {

    private final DataSource dataSource;
    private final ErasureGate gate = new ErasureGate();
    private final EventWriter writer;

    /** Each write in a transaction of its own (PostgreSQL: concurrent transactions commit in parallel). */
    public JdbcEventStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, false);
    }

    /**
     * With {@code groupCommit}, concurrent writes are committed together, each caller answered once the transaction
     * holding its events has committed: for the embedded H2 store, which writes every commit to its file (durability
     * before acknowledgement), one file write per group instead of one per payload.
     */
    public JdbcEventStore(DataSource dataSource, Clock clock, boolean groupCommit) {
        this.dataSource = dataSource;
        this.writer = new EventWriter(dataSource, clock, groupCommit, gate);
    }

    /** What keeps a person's data fetched before their erasure out of the store ({@link ErasureGate}). */
    public ErasureGate erasureGate() {
        return gate;
    }

    @Override
    public boolean insert(CanonicalEvent event, long began) {
        BatchOutcome outcome = insertAll(List.of(event), List.of(), began);
        if (!outcome.refused().isEmpty()) {
            throw new StoreException("cannot store event " + event.id() + ": " + outcome.refused().get(0).reason(),
                    null);
        }
        return !outcome.stored().isEmpty();
    }

    @Override
    public BatchOutcome insertAll(List<CanonicalEvent> events, List<DeadLetter> deadLetters, long began) {
        BatchOutcome outcome = writer.write(events, deadLetters, began);
        // committed: what goes on to the bus carries a link to long streams, as the stored event does
        events.forEach(WorkoutStreams::detach);
        return outcome;
    }

    @Override
    public Optional<String> streams(String eventId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT payload FROM event_streams WHERE event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the streams of event " + eventId, e);
        }
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
        filters(sql, args, type, subject, provider);
        // one user's events: ordered as events_subject_seq holds them, so the embedded store reads the index in order
        // and stops at the limit, instead of reading and sorting every event of the user for each page
        sql.append(subject != null ? " ORDER BY subject, seq" : " ORDER BY seq");
        if (limit > 0) {
            sql.append(" FETCH FIRST ").append(limit).append(" ROWS ONLY");
        }
        return query(sql.toString(), args, limit);
    }

    @Override
    public List<StoredEvent> latest(String type, String subject, String provider, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM events WHERE seq > ?");
        List<Object> args = new ArrayList<>(List.of(0L));
        filters(sql, args, type, subject, provider);
        // the primary key's (or events_subject_seq's) order read backwards, stopping at the limit
        sql.append(subject != null ? " ORDER BY subject DESC, seq DESC" : " ORDER BY seq DESC");
        sql.append(" FETCH FIRST ").append(limit).append(" ROWS ONLY");
        return query(sql.toString(), args, limit);
    }

    private static void filters(StringBuilder sql, List<Object> args, String type, String subject, String provider) {
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
    public List<MinuteCount> perMinute(Instant since, long upToSeq) {
        // created_at has no index (every index costs each insert): the range is found on the primary key, where
        // store time grows with the position, then grouped there
        String sql = "SELECT provider, type, DATE_TRUNC('MINUTE', created_at) AS at_minute, COUNT(*) AS n FROM events "
                     + "WHERE seq >= ? AND seq <= ? AND created_at >= ? "
                     + "GROUP BY provider, type, DATE_TRUNC('MINUTE', created_at)";
        try (Connection c = dataSource.getConnection()) {
            long from = firstStoredAtOrAfter(c, since, upToSeq);
            List<MinuteCount> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, from);
                ps.setLong(2, upToSeq);
                ps.setTimestamp(3, Timestamp.from(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new MinuteCount(rs.getTimestamp("at_minute").toInstant(), rs.getString("provider"),
                                rs.getString("type"), rs.getLong("n")));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot count recent events", e);
        }
    }

    /** The lowest position in (0, upToSeq + 1] whose next stored event was stored at or after {@code since}. */
    private static long firstStoredAtOrAfter(Connection c, Instant since, long upToSeq) throws SQLException {
        long lo = 0;
        long hi = upToSeq + 1;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT created_at FROM events WHERE seq >= ? ORDER BY seq FETCH FIRST 1 ROWS ONLY")) {
            while (hi - lo > 1) {
                long mid = (lo + hi) >>> 1;
                ps.setLong(1, mid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getTimestamp(1).toInstant().isBefore(since)) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
            }
        }
        return hi;
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

    @Override
    public List<StoredEvent> ofRecord(String subject, String provider, String recordId, Collection<String> types) {
        if (types.isEmpty() || recordId == null) {
            return List.of();
        }
        // read through events_subject_seq; rows stored before record_id existed are matched on their payload
        String sql = "SELECT * FROM events WHERE subject = ? AND provider = ? AND type IN ("
                     + String.join(",", Collections.nCopies(types.size(), "?"))
                     + ") AND (record_id = ? OR record_id IS NULL) ORDER BY seq";
        List<Object> args = new ArrayList<>(List.of(subject, provider));
        args.addAll(types);
        args.add(recordId);
        List<StoredEvent> out = new ArrayList<>();
        for (StoredEvent e : query(sql, args, 0)) {
            if (recordId.equals(EventJson.read(e.payload()).path("data").path("provenance")
                    .path("source_record_id").asText(null))) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public List<CanonicalEvent> replace(List<String> deletedIds, List<CanonicalEvent> tombstones, long began) {
        return writer.replace(deletedIds, tombstones, began);
    }

    @Override
    public List<StoredEvent> inWindow(String subject, String type, Instant from, Instant to) {
        return inWindow(subject, List.of(type), from, to);
    }

    @Override
    public List<StoredEvent> inWindow(String subject, Collection<String> types, Instant from, Instant to) {
        if (types.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(List.of(subject, Timestamp.from(from), Timestamp.from(to)));
        args.addAll(types);
        return query(windowSql(types.size()), args, 0);
    }

    /** Through events_subject_time: only the subject's events of the window are read, then filtered by type. */
    static String windowSql(int types) {
        return "SELECT * FROM events WHERE subject = ? AND event_time >= ? AND event_time < ? AND type IN ("
               + String.join(",", Collections.nCopies(types, "?")) + ") ORDER BY event_time, seq";
    }

    @Override
    public Map<String, Long> recordVersions(String subject, String provider, Collection<String> recordIds) {
        Map<String, Long> out = new HashMap<>();
        List<String> ids = new ArrayList<>(recordIds);
        // 500 ids a statement, each through events_subject_seq
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + 500));
            List<Object> args = new ArrayList<>(List.of(subject, provider));
            args.addAll(part);
            for (StoredEvent e : query("SELECT * FROM events WHERE subject = ? AND provider = ? AND record_id IN ("
                                       + String.join(",", Collections.nCopies(part.size(), "?")) + ")", args, 0)) {
                JsonNode p = EventJson.read(e.payload()).path("data").path("provenance");
                if (p.path("source_record_version").isIntegralNumber()) {
                    out.merge(p.path("source_record_id").asText(), p.get("source_record_version").asLong(), Math::max);
                }
            }
        }
        return out;
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
