package io.healthbridge.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance of a cluster does a one-per-cluster job (the outbox relay): the one holding a PostgreSQL
 * session-level advisory lock ({@code pg_try_advisory_lock}) on a connection it keeps open. PostgreSQL releases the
 * lock when that session ends, so a killed or partitioned instance loses it as soon as its connection drops and
 * another instance takes it on its next try. On the embedded store there is one instance: it always leads.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    /** How often an instance that does not lead tries again. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final String name;
    private final DataSource dataSource;
    private final boolean postgres;
    private final Clock clock;
    private Connection held;
    private Instant nextTry = Instant.MIN;

    public Leadership(String name, DataSource dataSource, boolean postgres, Clock clock) {
        this.name = name;
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.clock = clock;
    }

    /** True while this instance leads; takes the lead when it is free (tried at most once a second). */
    public synchronized boolean holds() {
        if (!postgres) {
            return true;
        }
        if (held != null) {
            try {
                if (held.isValid(2)) {
                    return true;
                }
            } catch (SQLException e) {
                // fall through: the session is gone, and the lock with it
            }
            LOG.warn("Lost the {} lead: its store session ended", name);
            closeHeld();
        }
        Instant now = clock.instant();
        if (now.isBefore(nextTry)) {
            return false;
        }
        nextTry = now.plus(RETRY);
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
                ps.setString(1, "healthbridge:" + name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        held = c;
                        LOG.info("This instance now leads {}", name);
                        return true;
                    }
                }
            }
            c.close();
        } catch (SQLException e) {
            LOG.warn("Cannot try the {} lead: {}", name, e.getMessage());
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already broken
                }
            }
        }
        return false;
    }

    private void closeHeld() {
        try {
            held.close();
        } catch (SQLException e) {
            LOG.debug("Closing the {} lead session: {}", name, e.getMessage());
        }
        held = null;
    }

    /** Gives the lead up (the session ends, PostgreSQL releases the lock). */
    @Override
    public synchronized void close() {
        if (held != null) {
            try (PreparedStatement ps = held.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                ps.setString(1, "healthbridge:" + name);
                ps.execute();
            } catch (SQLException e) {
                LOG.debug("Releasing the {} lead: {}", name, e.getMessage());
            }
            closeHeld();
        }
    }
}
