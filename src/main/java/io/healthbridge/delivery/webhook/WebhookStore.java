package io.healthbridge.delivery.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.store.OutboxCursors;
import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/** Webhook deliveries, their attempts and the fan-out's outbox cursor over JDBC; endpoints through {@link WebhookEndpoints}. */
public class WebhookStore {

    /**
     * Delivery and attempt ids are time-ordered (UUID version 7): thousands are written per transaction, and random ids
     * would put each one's index entry on a different page, each page rewritten at commit. Ordered ones share pages.
     */
    private static final TimeBasedEpochGenerator IDS = Generators.timeBasedEpochGenerator();

    private final DataSource dataSource;
    private final OutboxCursors cursors;
    private final Clock clock;
    private final WebhookEndpoints endpoints;
    private final UnwrittenDeliveries unwritten;
    private final DeliveryLog log;

    public WebhookStore(DataSource dataSource, SecretBox secrets, Clock clock) {
        this.dataSource = dataSource;
        this.cursors = new OutboxCursors(dataSource);
        this.clock = clock;
        this.endpoints = new WebhookEndpoints(dataSource, secrets, clock);
        this.unwritten = new UnwrittenDeliveries(dataSource);
        this.log = new DeliveryLog(dataSource, unwritten::of);
    }

    // ---- endpoints: see WebhookEndpoints ----

    /** The deliveries and attempts as the API shows them. */
    public DeliveryLog log() {
        return log;
    }

    /** The endpoint table this store's delivery queries run per endpoint over. */
    public WebhookEndpoints endpoints() {
        return endpoints;
    }

    /** Deletes an endpoint; its deliveries still in flight are abandoned first. */
    public boolean delete(String id) {
        update("UPDATE webhook_deliveries SET status = 'abandoned', last_error = 'endpoint deleted', next_attempt_at = NULL "
               + "WHERE endpoint_id = ? AND status IN ('pending', 'sending')", id);
        return endpoints.deleteRow(id);
    }

    // ---- deliveries ----

    /** Adds a delivery due now; false when this endpoint already has one for the event. */
    public boolean addDelivery(String endpointId, String eventId, String eventType, String payload) {
        Instant now = clock.instant();
        try {
            update("INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, attempts, "
                   + "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
                    IDS.generate().toString(), endpointId, eventId, eventType, payload, ts(now), ts(now), ts(now));
            return true;
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** Makes an existing delivery of the event due again (replay); false when there is none. */
    public boolean requeue(String endpointId, String eventId) {
        return update("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ? "
                      + "WHERE endpoint_id = ? AND event_id = ? AND status <> 'sending'", ts(clock.instant()),
                ts(clock.instant()), endpointId, eventId) == 1;
    }

    /** An endpoint's due deliveries, oldest first, at most {@code limit} (its free sending slots). */
    public List<WebhookDelivery> due(String endpointId, int limit) {
        // ordered by the index alone (endpoint, status, next attempt), so the query stops at the limit instead of
        // sorting every pending delivery of the endpoint
        return DeliveryLog.read(dataSource, "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'pending' "
                          + "AND next_attempt_at <= ? ORDER BY next_attempt_at", limit, 0, endpointId,
                ts(clock.instant()));
    }

    /** Claims due deliveries in one transaction; each is true when this caller got it, false when another did. */
    public boolean[] claim(List<String> ids, Instant leaseUntil) {
        List<Object[]> rows = new ArrayList<>();
        Timestamp now = ts(clock.instant());
        for (String id : ids) {
            rows.add(new Object[] {ts(leaseUntil), now, id});
        }
        try {
            int[] counts = Sql.batch(dataSource, "UPDATE webhook_deliveries SET status = 'sending', "
                    + "next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'", rows);
            boolean[] out = new boolean[ids.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = counts[i] == 1 || counts[i] == Statement.SUCCESS_NO_INFO;
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot claim deliveries", e);
        }
    }

    /** Pending deliveries of disabled endpoints are abandoned (an endpoint disabled through the API). */
    public int abandonPendingOfDisabled() {
        return perEndpoint(e -> !e.enabled(), "UPDATE webhook_deliveries SET status = 'abandoned', "
                + "last_error = 'endpoint disabled', next_attempt_at = NULL WHERE endpoint_id = ? AND status = 'pending'");
    }

    /**
     * Runs an update once per endpoint of the snapshot that passes the filter, as one batch in one transaction; each
     * statement's first parameter is the endpoint id, the others follow. Every delivery query names its endpoint, so
     * each one is a range of the (endpoint, status, next attempt) index. Returns the rows touched.
     */
    private int perEndpoint(Predicate<WebhookEndpoint> which, String sql, Object... more) {
        List<Object[]> rows = new ArrayList<>();
        for (String id : endpoints.ids(which)) {
            Object[] row = new Object[more.length + 1];
            row[0] = id;
            System.arraycopy(more, 0, row, 1, more.length);
            rows.add(row);
        }
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            int touched = 0;
            for (int n : Sql.batch(dataSource, sql, rows)) {
                touched += Math.max(0, n);
            }
            return touched;
        } catch (SQLException e) {
            throw new StoreException("cannot update webhook deliveries", e);
        }
    }

    /**
     * A delivery to create: claimed by its creator until {@code leaseUntil} (status sending), or pending when null.
     * {@code seq} is the event's outbox position; a claimed delivery that has one is written only with its first
     * attempt's outcome ({@link UnwrittenDeliveries}), one without (0: the Kafka bus's) at once.
     */
    public record NewDelivery(String endpointId, String eventId, String eventType, Instant leaseUntil, long seq) {
    }

    /**
     * One delivery per (endpoint, event) pair: the pending ones and those without an outbox position written in one
     * transaction, pairs that already have one skipped; the claimed ones with an outbox position not written yet (see
     * {@link NewDelivery}). A claimed delivery saves claiming it in a second write. Returns the deliveries created.
     */
    public List<WebhookDelivery> addDeliveries(List<NewDelivery> wanted) {
        Instant now = clock.instant();
        List<Object[]> rows = new ArrayList<>();
        List<NewDelivery> written = new ArrayList<>();
        List<WebhookDelivery> created = new ArrayList<>();
        for (NewDelivery n : wanted) {
            String id = IDS.generate().toString();
            String status = n.leaseUntil() == null ? WebhookDelivery.PENDING : WebhookDelivery.SENDING;
            Instant next = n.leaseUntil() == null ? now : n.leaseUntil();
            WebhookDelivery d = new WebhookDelivery(id, n.endpointId(), n.eventId(), n.eventType(), null, status, 0, next,
                    null, null, null, now, now);
            created.add(d);
            if (n.leaseUntil() != null && n.seq() > 0) {
                unwritten.add(d, n.seq());
            } else {
                rows.add(new Object[] {id, n.endpointId(), n.eventId(), n.eventType(), status, ts(next), ts(now), ts(now)});
                written.add(n);
            }
        }
        if (rows.isEmpty()) {
            return created;
        }
        try {
            Sql.batch(dataSource, "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, "
                    + "event_type, payload, status, attempts, next_attempt_at, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, NULL, ?, 0, ?, ?, ?)", rows);
            return created;
        } catch (SQLException e) {
            // some already exist: row by row, each duplicate skipped, the new ones read back (pending)
            List<WebhookDelivery> some = new ArrayList<>(created.stream().filter(d -> unwritten.contains(d.id())).toList());
            for (NewDelivery n : written) {
                if (addDelivery(n.endpointId(), n.eventId(), n.eventType(), null)) {
                    some.addAll(DeliveryLog.read(dataSource, "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = ?", 1, 0,
                            n.endpointId(), n.eventId()));
                }
            }
            return some;
        }
    }

    /** Which of these endpoints already have a delivery of which of these events, as "endpoint event" keys. */
    public Set<String> existing(Collection<String> endpointIds, Collection<String> eventIds) {
        Set<String> out = new HashSet<>();
        if (eventIds.isEmpty()) {
            return out;
        }
        String in = String.join(", ", Collections.nCopies(eventIds.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT event_id FROM webhook_deliveries WHERE endpoint_id = ? AND event_id IN (" + in + ")")) {
            for (String endpoint : endpointIds) {
                int i = 1;
                ps.setString(i++, endpoint);
                for (String event : eventIds) {
                    ps.setString(i++, event);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(endpoint + " " + rs.getString(1));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read deliveries", e);
        }
    }

    /** The outbox position of the oldest event with a delivery not written yet, {@link Long#MAX_VALUE} when none. */
    public long oldestUnwritten() {
        return unwritten.oldestSeq();
    }

    /** Claims whose lease ran out (the sender died) are due again: at-least-once. */
    public int releaseExpiredClaims() {
        Instant now = clock.instant();
        List<WebhookDelivery> expired = unwritten.leaseExpired(now);
        expired.forEach(d -> postpone(d, now));
        return expired.size() + perEndpoint(e -> true, "UPDATE webhook_deliveries SET status = 'pending' WHERE endpoint_id = ? "
                + "AND status = 'sending' AND next_attempt_at < ?", ts(clock.instant()));
    }

    /** Postpones a claimed delivery without counting an attempt (endpoint breaker open, concurrency bound). */
    public void postpone(WebhookDelivery d, Instant next) {
        Instant now = clock.instant();
        Sql.Statement update = new Sql.Statement("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, "
                + "updated_at = ? WHERE id = ?", ts(next), ts(now), d.id());
        if (!unwritten.write(d, WebhookDelivery.PENDING, d.attempts(), next, null, null, null, now, List.of(),
                List.of(update))) {
            update(update.sql(), update.args());
        }
    }

    public void recordAttempt(WebhookDelivery d, String status, Instant next, Integer code, String error, long latencyMs,
            String excerpt) {
        Instant now = clock.instant();
        Sql.Statement update = new Sql.Statement("UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, "
                + "next_attempt_at = ?, last_status_code = ?, last_error = ?, last_latency_ms = ?, updated_at = ? "
                + "WHERE id = ?", status, ts(next), code, error, latencyMs, ts(now), d.id());
        Sql.Statement attempt = new Sql.Statement("INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, "
                + "attempted_at, status_code, latency_ms, error, response_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                IDS.generate().toString(), d.id(), d.endpointId(), ts(now), code, latencyMs, error, excerpt);
        if (!unwritten.write(d, status, d.attempts() + 1, next, code, error, latencyMs, now, List.of(attempt),
                List.of(update, attempt))) {
            Sql.inTransaction(dataSource, "record a webhook attempt", update, attempt);
        }
    }

    /** A successful attempt, for {@link #recordDelivered}. */
    public record Delivered(WebhookDelivery delivery, int code, long latencyMs, Instant at) {
    }

    /**
     * Records successful attempts together, one JDBC batch in one transaction. A success needs no attempt row: the
     * delivery row keeps the last attempt's outcome (status code, latency, time), and {@link #attempts} lists it after
     * the failed attempts before it, which do have rows.
     */
    public void recordDelivered(List<Delivered> done) {
        if (done.isEmpty()) {
            return;
        }
        String update = "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, "
                        + "next_attempt_at = NULL, last_status_code = ?, last_error = NULL, last_latency_ms = ?, "
                        + "updated_at = ? WHERE id = ?";
        List<Object[]> rows = new ArrayList<>();
        for (Delivered d : unwritten.delivered(done, d -> new Sql.Statement(update, row(d)))) {
            rows.add(row(d));
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            Sql.batch(dataSource, update, rows);
        } catch (SQLException e) {
            throw new StoreException("cannot record delivered webhooks", e);
        }
    }

    private static Object[] row(Delivered d) {
        return new Object[] {d.code(), d.latencyMs(), ts(d.at()), d.delivery().id()};
    }

    public int retryFailed(String endpointId) {
        return update("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ? "
                      + "WHERE endpoint_id = ? AND status = 'failed'", ts(clock.instant()), ts(clock.instant()), endpointId);
    }

    /** Sends one failed or abandoned delivery again, from now; false when there is no such delivery. */
    public boolean retryDelivery(String endpointId, String deliveryId) {
        return update("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ? "
                      + "WHERE endpoint_id = ? AND id = ? AND status IN ('failed', 'abandoned')", ts(clock.instant()),
                ts(clock.instant()), endpointId, deliveryId) == 1;
    }

    /** Every delivery of an endpoint still in flight stops: the endpoint is disabled. */
    public void abandonPending(String endpointId, String reason) {
        update("UPDATE webhook_deliveries SET status = 'abandoned', last_error = ?, next_attempt_at = NULL "
               + "WHERE endpoint_id = ? AND status IN ('pending', 'sending')", reason, endpointId);
    }

    /** Deliveries waiting to be sent or being sent, all endpoints. */
    public long backlog() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status IN ('pending', 'sending')")) {
            long sum = unwritten.size();
            for (String id : endpoints.ids(e -> true)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    sum += rs.getLong(1);
                }
            }
            return sum;
        } catch (SQLException e) {
            throw new StoreException("cannot count deliveries", e);
        }
    }

    // ---- outbox cursor ----

    public long cursor(String name) {
        return cursors.get(name);
    }

    public void saveCursor(String name, long seq) {
        cursors.save(name, seq);
    }

    // ---- JDBC ----

    private int update(String sql, Object... args) {
        return Sql.update(dataSource, "update the webhook store", sql, args);
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
