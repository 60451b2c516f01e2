package io.healthbridge.delivery.webhook;

import java.io.IOException;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * The webhook_endpoints table (secrets encrypted at rest) and the in-memory snapshot of it that the dispatcher reads
 * on every round.
 */
public class WebhookEndpoints {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    static final Duration SNAPSHOT_TTL = Duration.ofSeconds(2);

    private record Snapshot(long at, Map<String, WebhookEndpoint> endpoints) {
    }

    private final DataSource dataSource;
    private final SecretBox secrets;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private final AtomicLong writes = new AtomicLong();

    public WebhookEndpoints(DataSource dataSource, SecretBox secrets, Clock clock) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.clock = clock;
    }

    public WebhookEndpoint create(String url, String description, List<String> types, List<String> users, String format,
            boolean enabled, String secret) {
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        changed();
        update("INSERT INTO webhook_endpoints (id, url, description, event_types, user_ids, format, enabled, secret, "
               + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, url, description, json(types),
                users == null ? null : json(users), format, enabled, secrets.encrypt(secret), ts(now), ts(now));
        return get(id).orElseThrow();
    }

    public void save(WebhookEndpoint e) {
        changed();
        update("UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, user_ids = ?, format = ?, "
               + "enabled = ?, disabled_reason = ?, failing_since = ?, updated_at = ? WHERE id = ?", e.url(), e.description(),
                json(e.eventTypes()), e.userIds() == null ? null : json(e.userIds()), e.format(), e.enabled(),
                e.disabledReason(), ts(e.failingSince()), ts(clock.instant()), e.id());
    }

    /** Disables an endpoint; true only for the caller that made the change (concurrent failures race here). */
    public boolean disableIfEnabled(String id, String reason) {
        changed();
        return update("UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = ?, updated_at = ? "
                      + "WHERE id = ? AND enabled = TRUE", reason, ts(clock.instant()), id) == 1;
    }

    public void rotateSecret(String id, String newSecret, String previous, Instant previousUntil) {
        changed();
        update("UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_secret_until = ?, updated_at = ? "
               + "WHERE id = ?", secrets.encrypt(newSecret), secrets.encrypt(previous), ts(previousUntil),
                ts(clock.instant()), id);
    }

    public Optional<WebhookEndpoint> get(String id) {
        return endpoints("SELECT * FROM webhook_endpoints WHERE id = ?", id).stream().findFirst();
    }

    public List<WebhookEndpoint> list() {
        return endpoints("SELECT * FROM webhook_endpoints ORDER BY created_at, id");
    }

    /** Whether any endpoint is disabled, from the snapshot. */
    public boolean anyDisabled() {
        return snapshot().values().stream().anyMatch(e -> !e.enabled());
    }

    /** Enabled endpoints as the store has them now, not from the snapshot (which this read replaces). */
    public List<WebhookEndpoint> enabledNow() {
        snapshot = null;
        return enabled();
    }

    /** Enabled endpoints, from a snapshot (see {@link #endpoint}). */
    public List<WebhookEndpoint> enabled() {
        return snapshot().values().stream().filter(WebhookEndpoint::enabled).toList();
    }

    /**
     * An endpoint for the dispatcher, from a snapshot of all endpoints that every write through this store replaces at
     * once and that is read again after {@link #SNAPSHOT_TTL} (for writes by other instances on a shared store). It
     * spares a query and a secret decryption per delivery round.
     */
    public Optional<WebhookEndpoint> endpoint(String id) {
        return Optional.ofNullable(snapshot().get(id));
    }

    private Map<String, WebhookEndpoint> snapshot() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (s != null && now - s.at() < SNAPSHOT_TTL.toNanos()) {
            return s.endpoints();
        }
        long version = writes.get();
        Map<String, WebhookEndpoint> all = new LinkedHashMap<>();
        list().forEach(e -> all.put(e.id(), e));
        if (writes.get() == version) {
            snapshot = new Snapshot(now, all);
        }
        return all;
    }

    private void changed() {
        writes.incrementAndGet();
        snapshot = null;
    }

    /** Removes the endpoint row; true when there was one. */
    boolean deleteRow(String id) {
        changed();
        return update("DELETE FROM webhook_endpoints WHERE id = ?", id) == 1;
    }

    /** The endpoint ids of the snapshot that pass the filter. */
    List<String> ids(Predicate<WebhookEndpoint> which) {
        return snapshot().values().stream().filter(which).map(WebhookEndpoint::id).toList();
    }

    /**
     * A write, invalidating the snapshot before it (callers) and after it: a snapshot read while the write was not yet
     * committed must not be kept, or the dispatcher would not see a new endpoint for {@link #SNAPSHOT_TTL}.
     */
    private int update(String sql, Object... args) {
        try {
            return Sql.update(dataSource, "update webhook endpoints", sql, args);
        } finally {
            changed();
        }
    }

    private List<WebhookEndpoint> endpoints(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<WebhookEndpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String users = rs.getString("user_ids");
                    out.add(new WebhookEndpoint(rs.getString("id"), rs.getString("url"), rs.getString("description"),
                            EventJson.MAPPER.readValue(rs.getString("event_types"), STRINGS),
                            users == null ? null : EventJson.MAPPER.readValue(users, STRINGS), rs.getString("format"),
                            rs.getBoolean("enabled"), secrets.decrypt(rs.getString("secret")),
                            secrets.decrypt(rs.getString("previous_secret")), instant(rs.getTimestamp("previous_secret_until")),
                            rs.getString("disabled_reason"), instant(rs.getTimestamp("failing_since")),
                            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at"))));
                }
            }
            return out;
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot read webhook endpoints", e instanceof SQLException s ? s : new SQLException(e));
        }
    }

    private static String json(List<String> list) {
        try {
            return EventJson.MAPPER.writeValueAsString(list);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
