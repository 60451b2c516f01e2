package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

import io.healthbridge.crypto.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ConnectionStore} over JDBC with tokens and code verifiers encrypted by a {@link SecretBox}. */
public class JdbcConnectionStore implements ConnectionStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcConnectionStore.class);

    private final DataSource dataSource;
    private final SecretBox secrets;
    private final Clock clock;

    public JdbcConnectionStore(DataSource dataSource, SecretBox secrets, Clock clock) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public synchronized io.healthbridge.store.Connection upsert(String userId, String provider, String providerUserId,
            String accessToken, String refreshToken, Instant expiresAt, String scope, String zone) {
        Instant now = clock.instant();
        Optional<io.healthbridge.store.Connection> existing = find(userId, provider);
        if (existing.isPresent()) {
            update("UPDATE connections SET provider_user_id = ?, status = 'active', access_token = ?, refresh_token = ?, "
                   + "token_expires_at = ?, scope = ?, zone = COALESCE(?, zone), last_error = NULL, updated_at = ?, "
                   + "version = version + 1 WHERE id = ?",
                    providerUserId, secrets.encrypt(accessToken), secrets.encrypt(refreshToken), ts(expiresAt), scope,
                    zone, ts(now), existing.get().id());
            return get(existing.get().id()).orElseThrow();
        }
        String id = UUID.randomUUID().toString();
        update("INSERT INTO connections (id, user_id, provider, provider_user_id, status, access_token, refresh_token, "
               + "token_expires_at, scope, zone, created_at, updated_at, version) "
               + "VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, 0)",
                id, userId, provider, providerUserId, secrets.encrypt(accessToken), secrets.encrypt(refreshToken),
                ts(expiresAt), scope, zone, ts(now), ts(now));
        return get(id).orElseThrow();
    }

    @Override
    public Optional<io.healthbridge.store.Connection> get(String id) {
        return select("SELECT * FROM connections WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public Optional<io.healthbridge.store.Connection> find(String userId, String provider) {
        return select("SELECT * FROM connections WHERE user_id = ? AND provider = ?", userId, provider).stream().findFirst();
    }

    @Override
    public Optional<io.healthbridge.store.Connection> findByProviderUser(String provider, String providerUserId) {
        return select("SELECT * FROM connections WHERE provider = ? AND provider_user_id = ? AND status = 'active'",
                provider, providerUserId).stream().findFirst();
    }

    @Override
    public List<io.healthbridge.store.Connection> list(String provider, String userId) {
        StringBuilder sql = new StringBuilder("SELECT * FROM connections WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (provider != null) {
            sql.append(" AND provider = ?");
            args.add(provider);
        }
        if (userId != null) {
            sql.append(" AND user_id = ?");
            args.add(userId);
        }
        sql.append(" ORDER BY created_at, id");
        return select(sql.toString(), args.toArray());
    }

    @Override
    public Map<String, SyncSummary> syncSummary() {
        Map<String, SyncSummary> out = new TreeMap<>();
        try (java.sql.Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT provider, SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), "
                + "MAX(last_sync_at) FROM connections GROUP BY provider")) {
            ps.setString(1, io.healthbridge.store.Connection.ACTIVE);
            ps.setString(2, io.healthbridge.store.Connection.ERROR);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp last = rs.getTimestamp(4);
                    out.put(rs.getString(1), new SyncSummary(rs.getLong(2), rs.getLong(3),
                            last == null ? null : last.toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot summarise connections", e);
        }
        return out;
    }

    @Override
    public Optional<io.healthbridge.store.Connection> updateTokens(String id, long expectedVersion, String accessToken,
            String refreshToken, Instant expiresAt, String scope) {
        int n = update("UPDATE connections SET access_token = ?, refresh_token = COALESCE(?, refresh_token), "
                       + "token_expires_at = ?, scope = COALESCE(?, scope), updated_at = ?, version = version + 1 "
                       + "WHERE id = ? AND version = ?",
                secrets.encrypt(accessToken), secrets.encrypt(refreshToken), ts(expiresAt), scope, ts(clock.instant()),
                id, expectedVersion);
        return n == 1 ? get(id) : Optional.empty();
    }

    @Override
    public void setStatus(String id, String status, String error) {
        update("UPDATE connections SET status = ?, last_error = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                status, error, ts(clock.instant()), id);
    }

    @Override
    public void recordSync(String id, Instant at, String error) {
        update("UPDATE connections SET last_sync_at = COALESCE(?, last_sync_at), last_error = ? WHERE id = ?",
                ts(at), error, id);
    }

    @Override
    public Map<String, String> cursors(String connectionId) {
        return pairs("SELECT dataset, cursor_value FROM sync_cursors WHERE connection_id = ?", connectionId);
    }

    @Override
    public Map<String, String> cursorErrors(String connectionId) {
        return pairs("SELECT dataset, last_error FROM sync_cursors WHERE connection_id = ? AND last_error IS NOT NULL",
                connectionId);
    }

    @Override
    public synchronized void saveCursor(String connectionId, String dataset, String cursor, Instant at) {
        int n = update("UPDATE sync_cursors SET cursor_value = ?, last_sync_at = ?, last_error = NULL "
                       + "WHERE connection_id = ? AND dataset = ?", cursor, ts(at), connectionId, dataset);
        if (n == 0) {
            insertCursor("INSERT INTO sync_cursors (connection_id, dataset, cursor_value, last_sync_at) "
                         + "VALUES (?, ?, ?, ?)", connectionId, dataset, cursor, ts(at));
        }
    }

    @Override
    public synchronized void recordCursorError(String connectionId, String dataset, String error) {
        int n = update("UPDATE sync_cursors SET last_error = ? WHERE connection_id = ? AND dataset = ?",
                error, connectionId, dataset);
        if (n == 0) {
            insertCursor("INSERT INTO sync_cursors (connection_id, dataset, cursor_value, last_error) "
                         + "VALUES (?, ?, '', ?)", connectionId, dataset, error);
        }
    }

    /**
     * A connection's first cursor of a dataset. The connection may have been deleted (its person erased) while the
     * sync that saves it was under way: the store refuses the row (its key, V26), and there is nothing to save.
     */
    private void insertCursor(String sql, Object... args) {
        try {
            update(sql, args);
        } catch (StoreException e) {
            // PostgreSQL's foreign_key_violation; H2's parent missing
            if (!(e.getCause() instanceof SQLException s && List.of("23503", "23506").contains(s.getSQLState()))) {
                throw e;
            }
            LOG.debug("Cursor not saved: connection {} no longer exists", args[0]);
        }
    }

    @Override
    public void saveState(String state, String provider, String userId, String codeVerifier, String redirectUri,
            Instant at) {
        update("INSERT INTO oauth_states (state, provider, user_id, code_verifier, redirect_uri, created_at) "
               + "VALUES (?, ?, ?, ?, ?, ?)", state, provider, userId, secrets.encrypt(codeVerifier), redirectUri, ts(at));
    }

    @Override
    public int purgeStates(Instant before) {
        return update("DELETE FROM oauth_states WHERE created_at < ?", ts(before));
    }

    @Override
    public Optional<PendingAuthorization> takeState(String state) {
        try (java.sql.Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM oauth_states WHERE state = ?")) {
            ps.setString(1, state);
            PendingAuthorization found = null;
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    found = new PendingAuthorization(rs.getString("state"), rs.getString("provider"),
                            rs.getString("user_id"), secrets.decrypt(rs.getString("code_verifier")),
                            rs.getString("redirect_uri"), rs.getTimestamp("created_at").toInstant());
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            // single use: only the caller whose delete removed the row gets it
            try (PreparedStatement del = c.prepareStatement("DELETE FROM oauth_states WHERE state = ?")) {
                del.setString(1, state);
                return del.executeUpdate() == 1 ? Optional.of(found) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read OAuth state", e);
        }
    }

    private Map<String, String> pairs(String sql, String arg) {
        try (java.sql.Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read cursors", e);
        }
    }

    private int update(String sql, Object... args) {
        try (java.sql.Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update connections", e);
        }
    }

    private List<io.healthbridge.store.Connection> select(String sql, Object... args) {
        try (java.sql.Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<io.healthbridge.store.Connection> out = new ArrayList<>();
            long readAt = ErasureGate.now();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new io.healthbridge.store.Connection(rs.getString("id"), rs.getString("user_id"),
                            rs.getString("provider"), rs.getString("provider_user_id"), rs.getString("status"),
                            secrets.decrypt(rs.getString("access_token")), secrets.decrypt(rs.getString("refresh_token")),
                            instant(rs.getTimestamp("token_expires_at")), rs.getString("scope"), rs.getString("zone"),
                            rs.getString("last_error"), instant(rs.getTimestamp("last_sync_at")),
                            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                            rs.getLong("version"), readAt));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read connections", e);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
