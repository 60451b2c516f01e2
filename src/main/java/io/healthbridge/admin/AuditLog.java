package io.healthbridge.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.healthbridge.http.ApiAuth;
import io.healthbridge.security.ApiKeys;
import io.healthbridge.store.StoreException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: every completed management change through the API (any REST call that is not a read: webhooks,
 * keys, connections, backfills, dead-letter replays, maintenance) with the key that made it and the HTTP outcome, and
 * every route file the loader applied, rejected or removed. Only operation names, paths and outcomes are kept, never
 * request bodies, so secrets never enter it.
 */
public class AuditLog extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final DataSource dataSource;
    private final Clock clock;

    public AuditLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        String route = exchange.getFromRouteId();
        String method = exchange.getProperty(ApiAuth.METHOD, String.class);
        if (route == null || !route.startsWith("api-") || method == null || "GET".equals(method) || "HEAD".equals(method)) {
            return;
        }
        ApiKeys.Principal who = exchange.getProperty(ApiAuth.PRINCIPAL, ApiKeys.Principal.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String outcome = exchange.isFailed() ? "error" : status == null ? "ok" : String.valueOf(status);
        record(who == null ? "anonymous" : who.name() + " (" + who.id() + ")", route.replaceFirst("-impl$", ""),
                method + " " + exchange.getProperty(ApiAuth.PATH, String.class), outcome, null);
    }

    public void record(String actor, String action, String target, String outcome, String detail) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_log (at, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, cut(actor, 128));
            ps.setString(3, cut(action, 128));
            ps.setString(4, cut(target, 512));
            ps.setString(5, cut(outcome, 64));
            ps.setString(6, cut(detail, 1024));
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.error("Audit record lost ({} {} {}): {}", actor, action, target, e.getMessage());
        }
    }

    /** Newest first; {@code action} and {@code actor} are substring filters. */
    public List<Map<String, Object>> list(String action, String actor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (action != null) {
            sql.append(" AND action LIKE ?");
            args.add("%" + action + "%");
        }
        if (actor != null) {
            sql.append(" AND actor LIKE ?");
            args.add("%" + actor + "%");
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getLong("id"));
                    m.put("at", rs.getTimestamp("at").toInstant().toString());
                    m.put("actor", rs.getString("actor"));
                    m.put("action", rs.getString("action"));
                    m.put("target", rs.getString("target"));
                    m.put("outcome", rs.getString("outcome"));
                    m.put("detail", rs.getString("detail"));
                    out.add(m);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log", e);
        }
    }

    private static String cut(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) : s;
    }
}
