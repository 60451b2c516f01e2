package io.healthbridge.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance mode: while on, polling, backfills, push processing and webhook delivery pause (their routes filter on
 * {@link #isOff()}) (pushes are still
 * accepted into their durable inbox); turned off, each continues from its stored position. Kept in the store, so a
 * restart stays in maintenance.
 */
public class Maintenance {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
    private static final String KEY = "maintenance";

    /** The mode and why. */
    public record State(boolean enabled, String message, Instant since) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private volatile State state;
    private final List<Runnable> onResume = new CopyOnWriteArrayList<>();

    public Maintenance(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.state = load();
        if (state.enabled()) {
            LOG.warn("Starting in maintenance mode ({}): polling and deliveries stay paused", state.message());
        }
    }

    public boolean isOn() {
        return state.enabled();
    }

    /**
     * For the routes' filters: polling, backfills, push processing and delivery run only while this is true. Called on
     * hot paths (every published event rings the dispatcher): it never touches the store.
     */
    public boolean isOff() {
        return !state.enabled();
    }

    public State state() {
        return state;
    }

    /**
     * Runs {@code action} whenever maintenance ends (here or, seen by {@link #refresh}, on another instance): work that
     * waits for a timer otherwise, such as webhook delivery, resumes at once.
     */
    public void onResume(Runnable action) {
        onResume.add(action);
    }

    private void resumed(State before, State after) {
        if (before.enabled() && !after.enabled()) {
            for (Runnable action : onResume) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("A task on leaving maintenance failed (its timer runs it later): {}", e.toString());
                }
            }
        }
    }

    /**
     * Reads the mode again from the store (another instance sharing it may have changed it): the
     * {@code maintenance-refresh} route, every second, on its own thread.
     */
    public synchronized void refresh() {
        try {
            State read = load();
            if (read.enabled() != state.enabled()) {
                LOG.warn("Maintenance mode {} (set on another instance)", read.enabled() ? "ON" : "OFF");
            }
            State before = state;
            state = read;
            resumed(before, read);
        } catch (StoreException e) {
            LOG.debug("Maintenance mode not re-read, kept as it was: {}", e.getMessage());
        }
    }

    public synchronized State set(boolean enabled, String message) {
        State next = new State(enabled, enabled ? message : null, clock.instant());
        String json = EventJson.write(EventJson.object().put("enabled", enabled).put("message", next.message())
                .put("since", next.since().toString()));
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement up = c.prepareStatement("UPDATE runtime_settings SET setting_value = ?, updated_at = ? WHERE name = ?")) {
                up.setString(1, json);
                up.setTimestamp(2, Timestamp.from(next.since()));
                up.setString(3, KEY);
                if (up.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement(
                            "INSERT INTO runtime_settings (name, setting_value, updated_at) VALUES (?, ?, ?)")) {
                        in.setString(1, KEY);
                        in.setString(2, json);
                        in.setTimestamp(3, Timestamp.from(next.since()));
                        in.executeUpdate();
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot store maintenance mode", e);
        }
        State before = state;
        state = next;
        LOG.warn("Maintenance mode {}{}", enabled ? "ON: polling, backfills, push processing and deliveries paused"
                : "OFF: resuming", enabled && message != null ? " (" + message + ")" : "");
        resumed(before, next);
        return next;
    }

    private State load() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM runtime_settings WHERE name = ?")) {
            ps.setString(1, KEY);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new State(false, null, null);
                }
                JsonNode v = EventJson.read(rs.getString(1));
                return new State(v.path("enabled").asBoolean(), v.path("message").asText(null),
                        v.hasNonNull("since") ? Instant.parse(v.get("since").asText()) : null);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read maintenance mode", e);
        }
    }
}
