package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what the store has finished with once it is older than its retention: events, delivered and failed webhook
 * deliveries with their attempts, resolved dead letters, processed push notifications and audit entries. Work still
 * owed is never removed: an event the webhook fan-out or the Kafka relay has not passed yet, or that a delivery still
 * pending or being sent needs; an open dead letter; a push notification not processed yet.
 *
 * <p>Each batch of at most {@link Policy#batchSize()} rows is its own short transaction, and the purge pauses between
 * batches, so the publish path is never held for long: on the embedded store every commit waits for the one before.
 */
public class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /**
     * How long each kind of row is kept ({@code null}: forever), and the outbox readers (their cursors' names) whose
     * position bounds which events may go.
     */
    public record Policy(Duration events, Duration deliveredDeliveries, Duration failedDeliveries,
            Duration deadLetters, Duration notifications, Duration audit, int batchSize, Duration pause,
            List<String> readers) {

        public Policy {
            if (batchSize < 1) {
                throw new IllegalArgumentException("the batch size must be at least 1");
            }
            readers = List.copyOf(readers);
        }
    }

    private final DataSource dataSource;
    private final Policy policy;
    private final MeterRegistry meters;
    private final Clock clock;

    public Retention(DataSource dataSource, Policy policy, MeterRegistry meters, Clock clock) {
        this.dataSource = dataSource;
        this.policy = policy;
        this.meters = meters;
        this.clock = clock;
    }

    public Policy policy() {
        return policy;
    }

    /** One round: every kind of row older than its retention, batch by batch. Returns the rows removed per table. */
    public Map<String, Long> purge() throws InterruptedException {
        Instant now = clock.instant();
        Map<String, Long> removed = new LinkedHashMap<>();
        if (policy.deliveredDeliveries() != null || policy.failedDeliveries() != null) {
            removed.put("webhook_deliveries", deliveries(now));
        }
        if (policy.events() != null) {
            removed.put("events", events(now.minus(policy.events())));
        }
        if (policy.deadLetters() != null) {
            removed.put("dead_letters", batches("DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters "
                    + "WHERE status <> '" + DeadLetter.OPEN + "' AND created_at < ? FETCH FIRST ? ROWS ONLY)",
                    now.minus(policy.deadLetters())));
        }
        if (policy.notifications() != null) {
            removed.put("inbound_notifications", batches("DELETE FROM inbound_notifications WHERE id IN (SELECT id "
                    + "FROM inbound_notifications WHERE status IN ('processed', 'failed') AND received_at < ? "
                    + "FETCH FIRST ? ROWS ONLY)", now.minus(policy.notifications())));
        }
        if (policy.audit() != null) {
            removed.put("audit_log", batches("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? "
                    + "FETCH FIRST ? ROWS ONLY)", now.minus(policy.audit())));
        }
        // an erasure's mark outlives any fetch begun before it (ErasureGate.REMEMBERED)
        removed.put("erasure_marks", batches("DELETE FROM erasure_marks WHERE user_digest IN (SELECT user_digest FROM "
                + "erasure_marks WHERE erased_at < ? FETCH FIRST ? ROWS ONLY)", now.minus(ErasureGate.REMEMBERED)));
        removed.forEach((table, n) -> meters.counter("healthbridge.retention.purged", "table", table).increment(n));
        removed.values().removeIf(n -> n == 0);
        if (!removed.isEmpty()) {
            LOG.info("Retention removed {}", removed);
        }
        return removed;
    }

    /**
     * Events, oldest first, up to the first one any reader still needs: the cursors of the outbox readers running here
     * (webhook fan-out, Kafka relay, reconciler) and every route-file sink's bound what may go; a reader that has recorded no position yet holds back every
     * event, and so does the oldest event with a delivery pending or being sent. Events are read in
     * {@code seq} order (the primary key) and removed by range, so no index on their time is needed: {@code created_at}
     * follows {@code seq}.
     */
    private long events(Instant cutoff) throws InterruptedException {
        long bound = Long.MAX_VALUE;
        for (String reader : policy.readers()) {
            long at = scalar("SELECT last_seq FROM outbox_cursors WHERE name = ?", reader);
            if (at < 0) {
                return 0;
            }
            bound = Math.min(bound, at);
        }
        // route-file sinks, running or not: a sink whose file was removed keeps what it owes until its cursor is deleted
        long sinks = scalar("SELECT MIN(last_seq) FROM outbox_cursors WHERE name LIKE ?", OutboxCursors.SINK_PREFIX
                                                                                         + "%");
        if (sinks >= 0) {
            bound = Math.min(bound, sinks);
        }
        if (oldEvents(bound, cutoff) == null) {
            return 0; // the common round: nothing is old enough, and what deliveries owe need not be asked
        }
        // per endpoint, through its (endpoint_id, status) index: the backlog is read, not the whole table
        List<String> endpoints = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM webhook_endpoints");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                endpoints.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list webhook endpoints", e);
        }
        for (String endpoint : endpoints) {
            for (String status : List.of("pending", "sending")) {
                long owed = scalar("SELECT MIN(e.seq) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id "
                                   + "WHERE d.endpoint_id = ? AND d.status = ?", endpoint, status);
                if (owed >= 0) {
                    bound = Math.min(bound, owed - 1);
                }
            }
        }
        long total = 0;
        while (true) {
            long[] range = oldEvents(bound, cutoff);
            if (range == null) {
                return total;
            }
            total += update("DELETE FROM events WHERE seq >= ? AND seq <= ?", range[0], range[1]);
            pause();
        }
    }

    /** The seq range of the oldest events up to {@code bound} written before {@code cutoff}, at most a batch. */
    private long[] oldEvents(long bound, Instant cutoff) {
        String sql = "SELECT seq, created_at FROM events WHERE seq <= ? ORDER BY seq FETCH FIRST ? ROWS ONLY";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, bound);
            ps.setInt(2, policy.batchSize());
            long first = -1;
            long last = -1;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && rs.getTimestamp(2).toInstant().isBefore(cutoff)) {
                    first = first < 0 ? rs.getLong(1) : first;
                    last = rs.getLong(1);
                }
            }
            return first < 0 ? null : new long[] {first, last};
        } catch (SQLException e) {
            throw new StoreException("cannot find events past their retention", e);
        }
    }

    /** Delivered deliveries after their retention, failed and abandoned ones after theirs, each with its attempts. */
    private long deliveries(Instant now) throws InterruptedException {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        if (policy.deliveredDeliveries() != null) {
            where.append("(status = 'delivered' AND updated_at < ?)");
            args.add(now.minus(policy.deliveredDeliveries()));
        }
        if (policy.failedDeliveries() != null) {
            where.append(where.isEmpty() ? "" : " OR ")
                    .append("(status IN ('failed', 'abandoned') AND updated_at < ?)");
            args.add(now.minus(policy.failedDeliveries()));
        }
        String select = "SELECT id FROM webhook_deliveries WHERE " + where + " FETCH FIRST " + policy.batchSize()
                        + " ROWS ONLY";
        long total = 0;
        while (true) {
            List<String> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
                bind(ps, args.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot find deliveries past their retention", e);
            }
            if (ids.isEmpty()) {
                return total;
            }
            String in = "?" + ",?".repeat(ids.size() - 1);
            try {
                total += Sql.transaction(dataSource, c -> {
                    Sql.run(c, "DELETE FROM webhook_attempts WHERE delivery_id IN (" + in + ")", ids.toArray());
                    return Sql.run(c, "DELETE FROM webhook_deliveries WHERE id IN (" + in + ")", ids.toArray());
                });
            } catch (SQLException e) {
                throw new StoreException("cannot remove deliveries past their retention", e);
            }
            if (ids.size() < policy.batchSize()) {
                return total;
            }
            pause();
        }
    }

    /** Runs {@code DELETE … WHERE id IN (SELECT … < ? FETCH FIRST ? ROWS ONLY)} until it removes less than a batch. */
    private long batches(String sql, Instant cutoff) throws InterruptedException {
        long total = 0;
        while (true) {
            int n = update(sql, cutoff, policy.batchSize());
            total += n;
            if (n < policy.batchSize()) {
                return total;
            }
            pause();
        }
    }

    private void pause() throws InterruptedException {
        Thread.sleep(policy.pause().toMillis());
    }

    /** A number read from the store; -1 when there is none. */
    private long scalar(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                long v = rs.getLong(1);
                return rs.wasNull() ? -1 : v;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read what retention must keep", e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection()) {
            return Sql.run(c, sql, args);
        } catch (SQLException e) {
            throw new StoreException("cannot remove rows past their retention", e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i] instanceof Instant t ? Timestamp.from(t) : args[i]);
        }
    }
}
