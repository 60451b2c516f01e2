package io.healthbridge.delivery.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * Deliveries this process created claimed, to send at once, and has not written yet: each is written once, with the
 * outcome of its first attempt (delivered, due again, failed), instead of inserted claimed and updated after. On the
 * embedded store that halves what a delivery costs: an update removes and re-adds the row in every index.
 *
 * <p>Until then the outbox holds its event: the fan-out's cursor stays before the oldest such event
 * ({@link #oldestSeq}), so a process that dies with some unwritten reads their events again on restart and sends them
 * again (at least once). The row is only written while its event is still stored, asked in the write's own transaction:
 * a delivery of an event erased (or removed by retention) while it was in flight leaves nothing behind. (An
 * {@code INSERT … SELECT} from the events table would say it in one statement; on H2 it cost a third of the delivery
 * rate, {@code bench/run --phase=webhooks}.)
 */
final class UnwrittenDeliveries {

    /** A delivery's first write; its parameters are {@link #row}'s. */
    private static final String SQL = "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, "
            + "status, attempts, next_attempt_at, last_status_code, last_error, last_latency_ms, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)";

    private record Entry(WebhookDelivery delivery, long seq) {
    }

    private final DataSource dataSource;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    /** How many unwritten deliveries each event (outbox position) has; guarded by itself. */
    private final TreeMap<Long, Integer> perSeq = new TreeMap<>();

    UnwrittenDeliveries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A delivery created claimed for the event at outbox position {@code seq}, not written. */
    void add(WebhookDelivery d, long seq) {
        synchronized (perSeq) {
            perSeq.merge(seq, 1, Integer::sum);
        }
        byId.put(d.id(), new Entry(d, seq));
    }

    boolean contains(String deliveryId) {
        return byId.containsKey(deliveryId);
    }

    /** The outbox position of the oldest event with an unwritten delivery, or {@link Long#MAX_VALUE} when none. */
    long oldestSeq() {
        synchronized (perSeq) {
            return perSeq.isEmpty() ? Long.MAX_VALUE : perSeq.firstKey();
        }
    }

    /** Unwritten deliveries whose claim ran out before {@code now}: their attempt's outcome was never written. */
    List<WebhookDelivery> leaseExpired(Instant now) {
        return byId.values().stream().map(Entry::delivery)
                .filter(d -> d.nextAttemptAt() != null && d.nextAttemptAt().isBefore(now)).toList();
    }

    int size() {
        return byId.size();
    }

    /** The endpoint's unwritten deliveries (a few queues' worth at most). */
    List<WebhookDelivery> of(String endpointId) {
        return byId.values().stream().map(Entry::delivery).filter(d -> d.endpointId().equals(endpointId)).toList();
    }

    /**
     * Writes an unwritten delivery with this outcome and, in the same transaction, the statements {@code with} (its
     * attempt). When it has a row already (its claim ran out and it was handed back as pending, or the event was
     * replayed to the endpoint meanwhile), runs {@code otherwise} instead, as for a written delivery. False, doing
     * nothing, when the delivery is written already.
     */
    boolean write(WebhookDelivery d, String status, int attempts, Instant next, Integer code, String error,
            Long latencyMs, Instant at, List<Sql.Statement> with, List<Sql.Statement> otherwise) {
        if (!contains(d.id())) {
            return false;
        }
        Object[] row = row(d, status, attempts, next, code, error, latencyMs, at);
        try {
            Sql.transaction(dataSource, c -> {
                if (!stored(c, List.of(d.eventId())).isEmpty()) {
                    Sql.run(c, SQL, row);
                    for (Sql.Statement s : with) {
                        Sql.run(c, s.sql(), s.args());
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            if (!isDuplicate(e)) {
                throw new StoreException("cannot write a webhook delivery", e);
            }
            Sql.inTransaction(dataSource, "write a webhook delivery", otherwise.toArray(Sql.Statement[]::new));
        }
        written(d.id());
        return true;
    }

    /**
     * Writes the unwritten ones among these successes in one transaction (one by one, {@link #write}, when one has a
     * row already, with {@code otherwise} for it) and answers the others, which are written already.
     */
    List<WebhookStore.Delivered> delivered(List<WebhookStore.Delivered> done,
            Function<WebhookStore.Delivered, Sql.Statement> otherwise) {
        List<WebhookStore.Delivered> first = new ArrayList<>();
        List<WebhookStore.Delivered> others = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (WebhookStore.Delivered d : done) {
            WebhookDelivery w = d.delivery();
            if (contains(w.id())) {
                first.add(d);
                rows.add(row(w, WebhookDelivery.DELIVERED, w.attempts() + 1, null, d.code(), null, d.latencyMs(), d.at()));
            } else {
                others.add(d);
            }
        }
        if (first.isEmpty()) {
            return others;
        }
        try {
            Sql.transaction(dataSource, c -> {
                Set<String> stored = stored(c, first.stream().map(d -> d.delivery().eventId()).toList());
                try (PreparedStatement ps = c.prepareStatement(SQL)) {
                    for (Object[] row : rows) {
                        if (stored.contains((String) row[2])) {
                            Sql.bind(ps, row);
                            ps.addBatch();
                        }
                    }
                    return ps.executeBatch();
                }
            });
            first.forEach(d -> written(d.delivery().id()));
        } catch (SQLException e) {
            if (!isDuplicate(e)) {
                throw new StoreException("cannot record delivered webhooks", e);
            }
            for (WebhookStore.Delivered d : first) {
                WebhookDelivery w = d.delivery();
                write(w, WebhookDelivery.DELIVERED, w.attempts() + 1, null, d.code(), null, d.latencyMs(), d.at(),
                        List.of(), List.of(otherwise.apply(d)));
            }
        }
        return others;
    }

    /** The delivery's row is committed (or its event is gone): the outbox no longer holds its event for it. */
    private void written(String deliveryId) {
        Entry e = byId.remove(deliveryId);
        if (e == null) {
            return;
        }
        synchronized (perSeq) {
            perSeq.computeIfPresent(e.seq(), (seq, n) -> n == 1 ? null : n - 1);
        }
    }

    private static Object[] row(WebhookDelivery d, String status, int attempts, Instant next, Integer code, String error,
            Long latencyMs, Instant at) {
        return new Object[] {d.id(), d.endpointId(), d.eventId(), d.eventType(), status, attempts, ts(next), code, error,
            latencyMs, ts(d.createdAt()), ts(at)};
    }

    /** Which of these events are still stored, read on the write's own connection: one statement, one array. */
    private static Set<String> stored(Connection c, List<String> eventIds) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM events WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** A unique key refused the row: a batch's failure carries its first statement's state, or chains it. */
    private static boolean isDuplicate(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState())
                || s.getCause() instanceof SQLException c && "23505".equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
