package io.healthbridge.delivery.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * The deliveries and their attempts as the API's delivery log shows them: reads only. A delivery in its first attempt
 * is not written yet ({@link UnwrittenDeliveries}); the log shows it as {@code sending}, ahead of the written ones.
 */
public class DeliveryLog {

    private final DataSource dataSource;
    private final Function<String, List<WebhookDelivery>> firstAttempts;

    /** {@code firstAttempts}: an endpoint's deliveries in their first attempt, not written yet. */
    DeliveryLog(DataSource dataSource, Function<String, List<WebhookDelivery>> firstAttempts) {
        this.dataSource = dataSource;
        this.firstAttempts = firstAttempts;
    }

    /** One delivery of an endpoint. */
    public Optional<WebhookDelivery> delivery(String endpointId, String id) {
        Optional<WebhookDelivery> sending = firstAttempts.apply(endpointId).stream().filter(d -> d.id().equals(id))
                .findFirst();
        return sending.isPresent() ? sending : read(dataSource, "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND id = ?", 1, 0, endpointId, id).stream()
                .findFirst();
    }

    /** An endpoint's deliveries, newest first, those in their first attempt before all others. */
    public List<WebhookDelivery> deliveries(String endpointId, String status, int limit, int offset) {
        List<WebhookDelivery> sending = firstAttempts(endpointId, status);
        List<WebhookDelivery> page = new ArrayList<>(sending.subList(Math.min(offset, sending.size()),
                (int) Math.min((long) offset + limit, sending.size())));
        Set<String> shown = new HashSet<>();
        sending.forEach(d -> shown.add(d.id()));
        for (WebhookDelivery d : written(endpointId, status, limit - page.size(), Math.max(0, offset - sending.size()))) {
            if (!shown.contains(d.id())) { // written since it was read as sending
                page.add(d);
            }
        }
        return page;
    }

    private List<WebhookDelivery> firstAttempts(String endpointId, String status) {
        if (status != null && !WebhookDelivery.SENDING.equals(status)) {
            return List.of();
        }
        return firstAttempts.apply(endpointId).stream()
                .sorted(Comparator.comparing(WebhookDelivery::createdAt).reversed().thenComparing(WebhookDelivery::id))
                .toList();
    }

    private List<WebhookDelivery> written(String endpointId, String status, int limit, int offset) {
        if (limit <= 0) {
            return List.of();
        }
        return status == null
                ? read(dataSource, "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, id",
                        limit, offset, endpointId)
                : read(dataSource, "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND status = ? "
                             + "ORDER BY created_at DESC, id", limit, offset, endpointId, status);
    }

    public long countDeliveries(String endpointId, String status) {
        long sending = firstAttempts(endpointId, status).size();
        String sql = "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?" + (status == null ? "" : " AND status = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, endpointId);
            if (status != null) {
                ps.setString(2, status);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return sending + rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count deliveries", e);
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

    /** The deliveries a query over the whole row answers, at most {@code limit} from {@code offset}. */
    static List<WebhookDelivery> read(DataSource dataSource, String sql, int limit, int offset, Object... args) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql + " LIMIT " + limit + " OFFSET " + offset)) {
            Sql.bind(ps, args);
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

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
