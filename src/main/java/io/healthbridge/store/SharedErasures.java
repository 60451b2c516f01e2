package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;

/**
 * The {@link ErasureGate} across instances sharing a PostgreSQL store. Each write takes, in its transaction, a shared
 * advisory lock per person it carries and reads when each was last erased ({@code erasure_marks}, by a digest of the
 * id); the erasure takes the person's lock alone in its own transaction before it leaves the mark and deletes. So an
 * erasure waits for every write of the person under way on any instance, and every write after it sees the mark: what
 * work begun before the erasure brings back is withheld wherever it lands. Times are each instance's wall clock.
 */
final class SharedErasures {

    /** The advisory locks' first key: the two-key space, apart from the one-key locks of leadership. */
    private static final int LOCKS = 0x4842;

    private SharedErasures() {
    }

    /** In the erasure's transaction, first: waits out the person's writes on every instance, then marks them. */
    static void mark(Connection c, String userId, Instant at) throws SQLException {
        if (isPostgres(c)) {
            Sql.run(c, "SELECT pg_advisory_xact_lock(" + LOCKS + ", hashtext(?))", userId);
        }
        String digest = EventJson.sha256(userId);
        Sql.run(c, "DELETE FROM erasure_marks WHERE user_digest = ?", digest);
        Sql.run(c, "INSERT INTO erasure_marks (user_digest, erased_at) VALUES (?, ?)", digest, at);
    }

    /**
     * In a write's transaction on PostgreSQL: its people locked (shared, in order, so two writes never wait on each
     * other), and what of it work begun at {@code began} ({@link ErasureGate#now()} then) may store.
     */
    static ErasureGate.Admitted admit(Connection c, List<CanonicalEvent> events, List<DeadLetter> letters, long began)
            throws SQLException {
        TreeSet<String> people = new TreeSet<>(ErasureGate.people(events, letters));
        if (people.isEmpty()) {
            return new ErasureGate.Admitted(events, letters, List.of(), List.of());
        }
        Map<String, String> byDigest = new HashMap<>();
        for (String p : people) {
            Sql.run(c, "SELECT pg_advisory_xact_lock_shared(" + LOCKS + ", hashtext(?))", p);
            byDigest.put(EventJson.sha256(p), p);
        }
        Map<String, Instant> erased = new HashMap<>();
        String sql = "SELECT user_digest, erased_at FROM erasure_marks WHERE user_digest IN ("
                     + String.join(",", Collections.nCopies(byDigest.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (String digest : byDigest.keySet()) {
                ps.setString(i++, digest);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    erased.put(byDigest.get(rs.getString(1)), rs.getTimestamp(2).toInstant());
                }
            }
        }
        if (erased.isEmpty()) {
            return new ErasureGate.Admitted(events, letters, List.of(), List.of());
        }
        Instant at = ErasureGate.wallTime(began);
        return ErasureGate.partition(events, letters, person -> {
            Instant mark = erased.get(person);
            return mark == null || !at.isBefore(mark);
        });
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
    }
}
