package io.healthbridge.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.healthbridge.store.StoreException;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's stop, start, suspend and resume of a route-file route. A stop or a suspend is a hold kept in the store
 * ({@code route_holds}): the route stays down across a reload of its file, a restart, and on every instance sharing
 * the store, until an operator starts or resumes it. The route file loader asks {@link #isHeld} before it starts a
 * route; {@link #refresh} applies the holds other instances set.
 */
public class RouteControl {

    private static final Logger LOG = LoggerFactory.getLogger(RouteControl.class);
    /** How long a stop waits for the route's in-flight exchanges before it forces them. */
    private static final long STOP_TIMEOUT_S = 20;

    /** What an operator can ask of a route. */
    public enum Action {
        STOP("stopped"), START("started"), SUSPEND("suspended"), RESUME("resumed");

        private final String done;

        Action(String done) {
            this.done = done;
        }

        static Optional<Action> of(String name) {
            for (Action a : values()) {
                if (a.name().equalsIgnoreCase(name)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    private final DataSource dataSource;
    private final Clock clock;
    /** route id to its hold, "stopped" or "suspended". */
    private final Map<String, String> holds = new ConcurrentHashMap<>();

    public RouteControl(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        holds.putAll(read());
    }

    /** Whether the route is held down ({@code stopped} or {@code suspended}); the loader leaves it unstarted. */
    public boolean isHeld(String routeId) {
        return holds.containsKey(routeId);
    }

    /** The route's hold, if an operator stopped or suspended it. */
    public Optional<String> hold(String routeId) {
        return Optional.ofNullable(holds.get(routeId));
    }

    /** Applies {@code action} to a running context's route, holds first: the hold outlives a failed stop. */
    public synchronized ServiceStatus apply(CamelContext context, String routeId, Action action) throws Exception {
        RouteController routes = context.getRouteController();
        switch (action) {
            case STOP -> {
                write(routeId, "stopped");
                halt(routes, routeId, "stopped");
            }
            case SUSPEND -> {
                write(routeId, "suspended");
                halt(routes, routeId, "suspended");
            }
            case START, RESUME -> {
                write(routeId, null);
                release(routes, routeId);
            }
            default -> throw new IllegalArgumentException(String.valueOf(action));
        }
        LOG.info("Route {} {} by an operator", routeId, action.done);
        return routes.getRouteStatus(routeId);
    }

    /**
     * Reads the holds again (another instance sharing the store may have changed them) and applies the changes to
     * {@code context}'s routes of this instance: the {@code route-control-refresh} route.
     */
    public synchronized void refresh(CamelContext context) {
        Map<String, String> now;
        try {
            now = read();
        } catch (StoreException e) {
            LOG.debug("Route holds not re-read, kept as they were: {}", e.getMessage());
            return;
        }
        RouteController routes = context.getRouteController();
        Map<String, String> before = new HashMap<>(holds);
        holds.keySet().retainAll(now.keySet());
        holds.putAll(now);
        try {
            for (Map.Entry<String, String> h : now.entrySet()) {
                ServiceStatus status = context.getRoute(h.getKey()) == null ? null : routes.getRouteStatus(h.getKey());
                if (status == ServiceStatus.Started) {
                    LOG.info("Route {} {} (held on another instance)", h.getKey(), h.getValue());
                    halt(routes, h.getKey(), h.getValue());
                }
            }
            for (String released : before.keySet()) {
                if (!now.containsKey(released) && context.getRoute(released) != null
                    && routes.getRouteStatus(released) != ServiceStatus.Started) {
                    LOG.info("Route {} started (released on another instance)", released);
                    release(routes, released);
                }
            }
        } catch (Exception e) {
            LOG.warn("Route holds of another instance not applied here yet: {}", e.getMessage());
        }
    }

    /** Stops or suspends ({@code hold}) a route. */
    private static void halt(RouteController routes, String routeId, String hold) throws Exception {
        if ("suspended".equals(hold)) {
            routes.suspendRoute(routeId, STOP_TIMEOUT_S, TimeUnit.SECONDS);
        } else {
            routes.stopRoute(routeId, STOP_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /** Resumes a suspended route, starts any other. */
    private static void release(RouteController routes, String routeId) throws Exception {
        if (routes.getRouteStatus(routeId) == ServiceStatus.Suspended) {
            routes.resumeRoute(routeId);
        } else {
            routes.startRoute(routeId);
        }
    }

    private void write(String routeId, String state) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM route_holds WHERE route_id = ?")) {
                del.setString(1, routeId);
                del.executeUpdate();
            }
            if (state != null) {
                try (PreparedStatement in = c.prepareStatement(
                        "INSERT INTO route_holds (route_id, state, updated_at) VALUES (?, ?, ?)")) {
                    in.setString(1, routeId);
                    in.setString(2, state);
                    in.setTimestamp(3, Timestamp.from(clock.instant()));
                    in.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot store the hold of route " + routeId, e);
        }
        if (state == null) {
            holds.remove(routeId);
        } else {
            holds.put(routeId, state);
        }
    }

    private Map<String, String> read() {
        Map<String, String> read = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT route_id, state FROM route_holds");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the route holds", e);
        }
        return read;
    }
}
