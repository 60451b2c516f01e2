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
import java.util.List;
import java.util.Optional;
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

    public WebhookStore(DataSource dataSource, SecretBox secrets, Clock clock) {
        this.dataSource = dataSource;
        this.cursors = new OutboxCursors(dataSource);
        this.clock = clock;
        this.endpoints = new WebhookEndpoints(dataSource, secrets, clock);
    }

    // ---- endpoints: see WebhookEndpoints ----

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

    /** One delivery of an endpoint. */
    public Optional<WebhookDelivery> delivery(String endpointId, String id) {
        return deliveries("SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND id = ?", 1, 0, endpointId, id).stream()
                .findFirst();
    }

    /** An endpoint's due deliveries, oldest first, at most {@code limit} (its free sending slots). */
    public List<WebhookDelivery> due(String endpointId, int limit) {
        // ordered by the index alone (endpoint, status, next attempt), so the query stops at the limit instead of
        // sorting every pending delivery of the endpoint
        return deliveries("SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'pending' "
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

    /** A delivery to create: claimed by its creator until {@code leaseUntil} (status sending), or pending when null. */
    public record NewDelivery(String endpointId, String eventId, String eventType, Instant leaseUntil) {
    }

    /**
     * One delivery per (endpoint, event) pair, in one transaction; pairs that already have one (a fan-out read again
     * after a restart) are skipped. A delivery its creator will send at once is stored already claimed, which saves
     * claiming it in a second write. Returns the deliveries created.
     */
    public List<WebhookDelivery> addDeliveries(List<NewDelivery> wanted) {
        if (wanted.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Object[]> rows = new ArrayList<>();
        List<WebhookDelivery> created = new ArrayList<>();
        for (NewDelivery n : wanted) {
            String id = IDS.generate().toString();
            String status = n.leaseUntil() == null ? WebhookDelivery.PENDING : WebhookDelivery.SENDING;
            Instant next = n.leaseUntil() == null ? now : n.leaseUntil();
            rows.add(new Object[] {id, n.endpointId(), n.eventId(), n.eventType(), status, ts(next), ts(now), ts(now)});
            created.add(new WebhookDelivery(id, n.endpointId(), n.eventId(), n.eventType(), null, status, 0, next, null,
                    null, null, now, now));
        }
        try {
            Sql.batch(dataSource, "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, "
                    + "event_type, payload, status, attempts, next_attempt_at, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, NULL, ?, 0, ?, ?, ?)", rows);
            return created;
        } catch (SQLException e) {
            // some already exist: row by row, each duplicate skipped, the new ones read back (pending)
            List<WebhookDelivery> some = new ArrayList<>();
            for (NewDelivery n : wanted) {
                if (addDelivery(n.endpointId(), n.eventId(), n.eventType(), null)) {
                    some.addAll(deliveries("SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = ?", 1, 0,
                            n.endpointId(), n.eventId()));
                }
            }
            return some;
        }
    }

    /** Claims whose lease ran out (the sender died) are due again: at-least-once. */
    public int releaseExpiredClaims() {
        return perEndpoint(e -> true, "UPDATE webhook_deliveries SET status = 'pending' WHERE endpoint_id = ? "
                + "AND status = 'sending' AND next_attempt_at < ?", ts(clock.instant()));
    }

    /** Postpones a claimed delivery without counting an attempt (endpoint breaker open, concurrency bound). */
    public void postpone(String id, Instant next) {
        update("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ?",
                ts(next), ts(clock.instant()), id);
    }

    public void recordAttempt(WebhookDelivery d, String status, Instant next, Integer code, String error, long latencyMs,
            String excerpt) {
        Instant now = clock.instant();
        Sql.inTransaction(dataSource, "record a webhook attempt",
                new Sql.Statement("UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, "
                        + "next_attempt_at = ?, last_status_code = ?, last_error = ?, last_latency_ms = ?, updated_at = ? "
                        + "WHERE id = ?", status, ts(next), code, error, latencyMs, ts(now), d.id()),
                new Sql.Statement("INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, "
                        + "attempted_at, status_code, latency_ms, error, response_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        IDS.generate().toString(), d.id(), d.endpointId(), ts(now), code, latencyMs, error, excerpt));
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
        List<Object[]> rows = new ArrayList<>();
        for (Delivered d : done) {
            rows.add(new Object[] {d.code(), d.latencyMs(), ts(d.at()), d.delivery().id()});
        }
        try {
            Sql.batch(dataSource, "UPDATE webhook_deliveries SET status = 'delivered', "
                    + "attempts = attempts + 1, next_attempt_at = NULL, last_status_code = ?, last_error = NULL, "
                    + "last_latency_ms = ?, updated_at = ? WHERE id = ?", rows);
        } catch (SQLException e) {
            throw new StoreException("cannot record delivered webhooks", e);
        }
    }

    /** One attempt of a delivery, as the delivery log shows it. */
    public record Attempt(Instant at, Integer statusCode, Long latencyMs, String error, String responseExcerpt) {
    }

    /**
     * Every attempt of a delivery, oldest first: the failed ones from their rows, then the success from the delivery
     * row when it was delivered.
     */
    public List<Attempt> attempts(WebhookDelivery d) {
        List<Attempt> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT attempted_at, status_code, latency_ms, error, response_excerpt "
                     + "FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempted_at, id")) {
            ps.setString(1, d.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int code = rs.getInt(2);
                    Integer statusCode = rs.wasNull() ? null : code;
                    long ms = rs.getLong(3);
                    Long latency = rs.wasNull() ? null : ms;
                    out.add(new Attempt(instant(rs.getTimestamp(1)), statusCode, latency, rs.getString(4), rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read webhook attempts", e);
        }
        if (WebhookDelivery.DELIVERED.equals(d.status())) {
            out.add(new Attempt(d.updatedAt(), d.lastStatusCode(), d.lastLatencyMs(), null, null));
        }
        return out;
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

    public List<WebhookDelivery> deliveries(String endpointId, String status, int limit, int offset) {
        return status == null
                ? deliveries("SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, id",
                        limit, offset, endpointId)
                : deliveries("SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND status = ? "
                             + "ORDER BY created_at DESC, id", limit, offset, endpointId, status);
    }

    public long countDeliveries(String endpointId, String status) {
        String sql = "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?" + (status == null ? "" : " AND status = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, endpointId);
            if (status != null) {
                ps.setString(2, status);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count deliveries", e);
        }
    }

    /** Deliveries waiting to be sent, all endpoints. */
    public long backlog() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status IN ('pending', 'sending')")) {
            long sum = 0;
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

    private List<WebhookDelivery> deliveries(String sql, int limit, int offset, Object... args) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql + " LIMIT " + limit + " OFFSET " + offset)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<WebhookDelivery> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int code = rs.getInt("last_status_code");
                    Integer lastCode = rs.wasNull() ? null : code;
                    long lat = rs.getLong("last_latency_ms");
                    Long latency = rs.wasNull() ? null : lat;
                    out.add(new WebhookDelivery(rs.getString("id"), rs.getString("endpoint_id"), rs.getString("event_id"),
                            rs.getString("event_type"), rs.getString("payload"), rs.getString("status"),
                            rs.getInt("attempts"), instant(rs.getTimestamp("next_attempt_at")), lastCode,
                            rs.getString("last_error"), latency, instant(rs.getTimestamp("created_at")),
                            instant(rs.getTimestamp("updated_at"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read deliveries", e);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
