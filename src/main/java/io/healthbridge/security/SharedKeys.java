package io.healthbridge.security;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;

import javax.sql.DataSource;

import io.healthbridge.crypto.SecretBox;
import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * Random keys every instance of a deployment shares (token signing, link signing): kept sealed by the secret key in
 * {@code runtime_settings}, made by the first instance that needs one; another instance that raced it re-reads.
 */
public final class SharedKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SharedKeys() {
    }

    /** The 32-byte key stored under {@code name}, made and stored when there is none. */
    public static byte[] load(DataSource dataSource, SecretBox secrets, Clock clock, String name) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT setting_value FROM runtime_settings WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return Base64.getDecoder().decode(secrets.decrypt(rs.getString(1)));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the key " + name, e);
            }
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            try {
                Sql.update(dataSource, "store a key",
                        "INSERT INTO runtime_settings (name, setting_value, updated_at) VALUES (?, ?, ?)", name,
                        secrets.encrypt(Base64.getEncoder().encodeToString(fresh)), Timestamp.from(clock.instant()));
                return fresh;
            } catch (StoreException e) {
                // another instance stored one first: read it
            }
        }
        throw new IllegalStateException("cannot establish the key " + name);
    }
}
