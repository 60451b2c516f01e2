package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.WorkoutStreams;

/**
 * Writes batches of events, with the dead letters of the same payload, each batch in one transaction: a payload is
 * durable with one commit, not one per event. The events table's unique id decides what is new; a duplicate fails only
 * its own row.
 *
 * <p>With group commit (the embedded store, whose every commit is a file write) the batches of concurrent publishers
 * go into one transaction: each publisher queues its batch and tries the commit lock; whoever holds it writes the
 * batches waiting, {@link #GROUP} events a transaction, until none is left, then looks once more after letting go of
 * the lock; a publisher that finds the lock taken just waits for its answer, which the holder gives. A publisher
 * alone commits its own batch on its own thread, with no hand-off to a writer thread and back. Without group commit
 * (PostgreSQL, which commits concurrent transactions in parallel) each caller writes its own.
 *
 * <p>A transaction that fails for another reason than a duplicate (a value the column cannot hold) is rolled back
 * and its batches written again one by one; a batch that fails alone is written event by event, so only the event
 * the store refuses is refused, with the store's reason, and everything else is stored.
 *
 * <p>Every write passes the {@link ErasureGate} on its way to the commit: what was made of a person's data by work that
 * began before their erasure is withheld, and a write that carries a person being erased waits for the erasure's end;
 * on PostgreSQL it also passes the erasures of every instance sharing the store ({@link SharedErasures}).
 */
final class EventWriter {

    static final String INSERT = "INSERT INTO events (id, event_key, type, provider, subject, event_time, payload, "
                                 + "created_at, record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** PostgreSQL ends a transaction at its first error: a duplicate is skipped in the statement instead. */
    static final String INSERT_NEW_ONLY = INSERT + " ON CONFLICT (id) DO NOTHING";
    /** Most events one group commit takes (a bigger batch is taken whole). */
    static final int GROUP = 512;

    /** A payload's events and dead letters, and when the work that made them began ({@link ErasureGate#now()}). */
    private record Batch(List<CanonicalEvent> events, List<DeadLetter> deadLetters, long began) {
    }

    /** What of a batch the gate lets through, and what it withholds. */
    private record Admission(Batch admitted, List<CanonicalEvent> withheld, List<DeadLetter> withheldDeadLetters) {

        BatchOutcome of(BatchOutcome written) {
            return written.withheldToo(withheld, withheldDeadLetters);
        }
    }

    private record Pending(Batch batch, CompletableFuture<BatchOutcome> done) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final boolean postgres;
    /** Group commit: batches waiting for the next transaction, and the lock of whoever writes it. */
    private final Queue<Pending> pending;
    private final ReentrantLock commit = new ReentrantLock();
    private final ErasureGate gate;

    EventWriter(DataSource dataSource, Clock clock, boolean groupCommit, ErasureGate gate) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.gate = gate;
        this.postgres = isPostgres(dataSource);
        this.pending = groupCommit ? new ConcurrentLinkedQueue<>() : null;
    }

    BatchOutcome write(List<CanonicalEvent> events, List<DeadLetter> deadLetters, long began) {
        gate.awaitErasures(events, deadLetters);
        Batch batch = new Batch(events, deadLetters, began);
        if (pending == null) {
            Lock shared = gate.writes();
            shared.lock();
            try {
                Admission a = admit(batch);
                return a.of(empty(a.admitted()) ? BatchOutcome.NONE : writeAlone(a.admitted()));
            } finally {
                shared.unlock();
            }
        }
        Pending p = new Pending(batch, new CompletableFuture<>());
        pending.add(p);
        // whoever holds the lock writes until nothing waits, and looks again after letting go: a batch queued while
        // it held the lock is written by it, or by the publisher that takes the lock next; nobody polls
        while (!pending.isEmpty() && commit.tryLock()) {
            try {
                while (!pending.isEmpty()) {
                    writeWaiting();
                }
            } finally {
                commit.unlock();
            }
        }
        try {
            return p.done().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while storing " + events.size() + " events", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreException se ? se
                    : new StoreException("cannot store " + events.size() + " events", e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException("the store did not commit " + events.size() + " events within 30 s", e);
        }
    }

    /** Writes what is waiting, up to {@link #GROUP} events (at least one batch), in one transaction; holds the lock. */
    private void writeWaiting() {
        List<Pending> group = new ArrayList<>();
        int events = 0;
        Pending next;
        while ((group.isEmpty() || events < GROUP) && (next = pending.poll()) != null) {
            group.add(next);
            events += next.batch().events().size();
        }
        Lock shared = gate.writes();
        shared.lock();
        try {
            List<Pending> admitted = new ArrayList<>(group.size());
            List<Admission> admissions = new ArrayList<>(group.size());
            for (Pending p : group) {
                try {
                    admissions.add(admit(p.batch()));
                    admitted.add(p);
                } catch (StoreException e) {
                    p.done().completeExceptionally(e);
                }
            }
            writeAdmitted(admitted, admissions);
        } finally {
            shared.unlock();
        }
    }

    private void writeAdmitted(List<Pending> group, List<Admission> admissions) {
        if (group.isEmpty()) {
            return;
        }
        List<BatchOutcome> outcomes = null;
        try {
            outcomes = Sql.transaction(dataSource, c -> {
                List<BatchOutcome> out = new ArrayList<>(group.size());
                for (Admission a : admissions) {
                    out.add(insert(c, a.admitted()));
                }
                return out;
            });
        } catch (SQLException | RuntimeException e) {
            // rolled back: each batch again on its own, so one bad batch fails nobody else's
        }
        for (int i = 0; i < group.size(); i++) {
            Pending p = group.get(i);
            Admission a = admissions.get(i);
            if (outcomes != null) {
                p.done().complete(a.of(outcomes.get(i)));
                continue;
            }
            try {
                p.done().complete(a.of(writeAlone(a.admitted())));
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    /** The batch as the erasure gate lets it through ({@link ErasureGate#admit}). */
    private Admission admit(Batch batch) {
        ErasureGate.Admitted a = gate.admit(batch.events(), batch.deadLetters(), batch.began());
        return new Admission(new Batch(a.events(), a.deadLetters(), batch.began()), a.withheld(),
                a.withheldDeadLetters());
    }

    private static boolean empty(Batch batch) {
        return batch.events().isEmpty() && batch.deadLetters().isEmpty();
    }

    /**
     * Deletes the events with these ids and stores the tombstones that say so, in one transaction: a reader sees the
     * events or their tombstones, never neither. Returns the tombstones that were new.
     */
    List<CanonicalEvent> replace(List<String> deletedIds, List<CanonicalEvent> tombstones, long began) {
        gate.awaitErasures(tombstones, List.of());
        Lock shared = gate.writes();
        shared.lock();
        try {
            List<CanonicalEvent> admitted = admit(new Batch(tombstones, List.of(), began)).admitted().events();
            if (admitted.size() < tombstones.size()) {
                // the person was erased after the deletion was fetched: their events are gone already
                return List.of();
            }
            return Sql.transaction(dataSource, c -> {
                if (postgres && !SharedErasures.admit(c, tombstones, List.of(), began).withheld().isEmpty()) {
                    return List.<CanonicalEvent>of(); // erased on another instance after the deletion was fetched
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE id = ?")) {
                    for (String id : deletedIds) {
                        ps.setString(1, id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                boolean[] inserted = insertEvents(c, tombstones);
                List<CanonicalEvent> stored = new ArrayList<>();
                for (int i = 0; i < inserted.length; i++) {
                    if (inserted[i]) {
                        stored.add(tombstones.get(i));
                    }
                }
                return stored;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store the deletion of " + deletedIds.size() + " events", e);
        } finally {
            shared.unlock();
        }
    }

    /** One batch in one transaction; when the store refuses a row of it, event by event. */
    private BatchOutcome writeAlone(Batch batch) {
        try {
            return Sql.transaction(dataSource, c -> insert(c, batch));
        } catch (SQLException e) {
            return eventByEvent(batch);
        }
    }

    /** Each event in a transaction of its own: only what the store refuses is refused; the dead letters after. */
    private BatchOutcome eventByEvent(Batch batch) {
        List<CanonicalEvent> stored = new ArrayList<>();
        List<CanonicalEvent> duplicates = new ArrayList<>();
        List<BatchOutcome.Refused> refused = new ArrayList<>();
        List<CanonicalEvent> withheld = new ArrayList<>();
        for (CanonicalEvent event : batch.events()) {
            try {
                Boolean inserted = Sql.transaction(dataSource, c -> postgres
                        && !SharedErasures.admit(c, List.of(event), List.of(), batch.began()).withheld().isEmpty()
                        ? null : insertEvents(c, List.of(event))[0]);
                (inserted == null ? withheld : inserted ? stored : duplicates).add(event);
            } catch (SQLException e) {
                if (!available(e)) {
                    throw new StoreException("cannot store event " + event.id(), e);
                }
                refused.add(new BatchOutcome.Refused(event, "the store refused the event (SQL state "
                        + e.getSQLState() + "): " + e.getMessage()));
            }
        }
        List<DeadLetter> withheldLetters;
        try {
            withheldLetters = Sql.transaction(dataSource, c -> {
                ErasureGate.Admitted a = postgres ? SharedErasures.admit(c, List.of(), batch.deadLetters(),
                        batch.began()) : new ErasureGate.Admitted(List.of(), batch.deadLetters(), List.of(), List.of());
                JdbcDeadLetterStore.insert(c, a.deadLetters());
                return a.withheldDeadLetters();
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store " + batch.deadLetters().size() + " dead letters", e);
        }
        return new BatchOutcome(stored, duplicates, refused, withheld, withheldLetters);
    }

    /** The batch on the connection's transaction; on PostgreSQL through the erasures of every instance first. */
    private BatchOutcome insert(Connection c, Batch batch) throws SQLException {
        ErasureGate.Admitted a = postgres ? SharedErasures.admit(c, batch.events(), batch.deadLetters(), batch.began())
                : new ErasureGate.Admitted(batch.events(), batch.deadLetters(), List.of(), List.of());
        boolean[] inserted = insertEvents(c, a.events());
        JdbcDeadLetterStore.insert(c, a.deadLetters());
        List<CanonicalEvent> stored = new ArrayList<>();
        List<CanonicalEvent> duplicates = new ArrayList<>();
        for (int i = 0; i < inserted.length; i++) {
            (inserted[i] ? stored : duplicates).add(a.events().get(i));
        }
        return new BatchOutcome(stored, duplicates, List.of(), a.withheld(), a.withheldDeadLetters());
    }

    /** Inserts the events on the connection's transaction; true for each one that was new. */
    private boolean[] insertEvents(Connection c, List<CanonicalEvent> events) throws SQLException {
        boolean[] inserted = new boolean[events.size()];
        if (events.isEmpty()) {
            return inserted;
        }
        Timestamp now = Timestamp.from(clock.instant());
        if (postgres) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_NEW_ONLY)) {
                for (CanonicalEvent e : events) {
                    bind(ps, e, now);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    inserted[i] = counts[i] > 0 || counts[i] == Statement.SUCCESS_NO_INFO;
                }
            }
            insertStreams(c, events, inserted);
            return inserted;
        }
        // H2 rolls back a failed statement, not the transaction: a duplicate costs only its own row
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int i = 0; i < inserted.length; i++) {
                try {
                    bind(ps, events.get(i), now);
                    ps.executeUpdate();
                    inserted[i] = true;
                } catch (SQLException e) {
                    if (!isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
        }
        insertStreams(c, events, inserted);
        return inserted;
    }

    /**
     * The streams of each new workout too long to ride in its event ({@link WorkoutStreams}), beside it in the same
     * transaction; the event was stored with a link to them.
     */
    private static void insertStreams(Connection c, List<CanonicalEvent> events, boolean[] inserted)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO event_streams (event_id, payload) VALUES (?, ?)")) {
            boolean any = false;
            for (int i = 0; i < inserted.length; i++) {
                JsonNode streams = inserted[i] ? WorkoutStreams.kept(events.get(i)) : null;
                if (streams != null) {
                    ps.setString(1, events.get(i).id());
                    ps.setString(2, EventJson.write(streams));
                    ps.addBatch();
                    any = true;
                }
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    private static void bind(PreparedStatement ps, CanonicalEvent event, Timestamp now) throws SQLException {
        ps.setString(1, event.id());
        ps.setString(2, event.key() == null ? event.id() : event.key());
        ps.setString(3, event.type());
        ps.setString(4, event.provider());
        ps.setString(5, event.subject());
        ps.setObject(6, OffsetDateTime.parse(event.time()));
        // a workout's long streams are stored beside the event, which keeps a link to them
        ps.setString(7, WorkoutStreams.kept(event) == null ? event.toJsonString() : WorkoutStreams.storedJson(event));
        ps.setTimestamp(8, now);
        String record = event.data().path("provenance").path("source_record_id").asText(null);
        ps.setString(9, record == null || record.length() > 160 ? null : record);
    }

    static boolean isUniqueViolation(SQLException e) {
        // 23505: unique violation in both PostgreSQL and H2
        return "23505".equals(e.getSQLState());
    }

    /**
     * Whether the store answered about the row itself (class 22 data exception, 23 integrity constraint) rather than
     * being unavailable: only then is the event refused; otherwise the whole write fails and the caller retries.
     */
    private static boolean available(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return SharedErasures.isPostgres(c);
        } catch (SQLException e) {
            throw new StoreException("cannot reach the store", e);
        }
    }
}
