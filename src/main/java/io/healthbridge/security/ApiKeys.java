package io.healthbridge.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * API keys with scopes ({@code admin}, {@code read}), stored as SHA-256 digests; the bootstrap admin key comes from
 * {@code HEALTHBRIDGE_ADMIN_API_KEY} and is never stored.
 */
public class ApiKeys {

    public static final String ADMIN = "admin";
    public static final String READ = "read";
    public static final Set<String> SCOPES = Set.of(ADMIN, READ);

    /** Who a key belongs to and what it may do. */
    public record Principal(String id, String name, Set<String> scopes) {

        public boolean may(String method) {
            return scopes.contains(ADMIN) || scopes.contains(READ) && ("GET".equals(method) || "HEAD".equals(method));
        }
    }

    /** A key as listed: never the key itself. */
    public record KeyInfo(String id, String name, String prefix, Set<String> scopes, Instant createdAt,
            Instant lastUsedAt, Instant revokedAt) {
    }

    private final DataSource dataSource;
    private final byte[] bootstrapHash;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(DataSource dataSource, String bootstrapKey, Clock clock) {
        this.dataSource = dataSource;
        this.bootstrapHash = bootstrapKey == null || bootstrapKey.isBlank() ? null
                : digest(bootstrapKey).getBytes(StandardCharsets.US_ASCII);
        this.clock = clock;
    }

    public boolean hasBootstrapKey() {
        return bootstrapHash != null;
    }

    /** Creates a key; the returned key is shown once and never again. */
    public String create(String name, Set<String> scopes) {
        return issue(name, scopes).key();
    }

    /** A key just made: its id (to list and revoke it by) and the key itself, shown once. */
    public record Issued(String id, String key) {
    }

    /** Creates a key and answers its id with it. */
    public Issued issue(String name, Set<String> scopes) {
        if (!SCOPES.containsAll(scopes) || scopes.isEmpty()) {
            throw new IllegalArgumentException("scopes must be among " + SCOPES);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String key = "hbk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String id = UUID.randomUUID().toString();
        update("INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                id, name, key.substring(0, 10), digest(key),
                scopes.stream().sorted().collect(Collectors.joining(",")), Timestamp.from(clock.instant()));
        return new Issued(id, key);
    }

    public Optional<Principal> authenticate(String key) {
        if (key == null || key.isBlank() || key.length() > 200) {
            return Optional.empty();
        }
        String hash = digest(key.trim());
        if (bootstrapHash != null && MessageDigest.isEqual(bootstrapHash, hash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(new Principal("bootstrap", "bootstrap admin", Set.of(ADMIN)));
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Principal p = new Principal(rs.getString(1), rs.getString(2), Set.of(rs.getString(3).split(",")));
                update("UPDATE api_keys SET last_used_at = ? WHERE id = ?", Timestamp.from(clock.instant()), p.id());
                return Optional.of(p);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check an API key", e);
        }
    }

    public List<KeyInfo> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            List<KeyInfo> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new KeyInfo(rs.getString("id"), rs.getString("name"), rs.getString("prefix"),
                        Set.copyOf(Arrays.asList(rs.getString("scopes").split(","))), instant(rs.getTimestamp("created_at")),
                        instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at"))));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list API keys", e);
        }
    }

    public boolean revoke(String id) {
        return update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), id) == 1;
    }

    public boolean isEmpty() {
        return list().isEmpty();
    }

    static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int update(String sql, Object... args) {
        return Sql.update(dataSource, "update API keys", sql, args);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
