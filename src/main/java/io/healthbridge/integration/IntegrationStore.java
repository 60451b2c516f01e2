package io.healthbridge.integration;

import java.io.IOException;
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

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.StoreException;

/** The {@code integrations} table: setting overrides per provider, the client secret sealed with the secret box. */
public class IntegrationStore {

    public static final String REGISTERED = "registered";
    public static final String UNREGISTERED = "unregistered";

    /** A stored integration; {@code settings} holds the client secret, opened, under {@code client-secret}. */
    public record Record(String provider, String state, Map<String, String> settings, Instant createdAt,
            Instant updatedAt, String updatedBy) {
    }

    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final SecretBox secrets;
    private final Clock clock;

    public IntegrationStore(DataSource dataSource, SecretBox secrets, Clock clock) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.clock = clock;
    }

    public List<Record> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM integrations ORDER BY provider");
             ResultSet rs = ps.executeQuery()) {
            List<Record> out = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> settings = EventJson.MAPPER.readValue(rs.getString("settings"), MAP);
                String sealed = rs.getString("client_secret");
                if (sealed != null) {
                    settings.put("client-secret", secrets.decrypt(sealed));
                }
                out.add(new Record(rs.getString("provider"), rs.getString("state"), settings,
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                        rs.getString("updated_by")));
            }
            return out;
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot read integrations", e);
        }
    }

    /** Inserts or replaces a provider's record. */
    public Record save(String provider, String state, Map<String, String> settings, String actor) {
        Map<String, String> plain = new LinkedHashMap<>(settings);
        String secret = plain.remove("client-secret");
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Instant created = now;
            try (PreparedStatement ps = c.prepareStatement("SELECT created_at FROM integrations WHERE provider = ?")) {
                ps.setString(1, provider);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        created = rs.getTimestamp(1).toInstant();
                    }
                }
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM integrations WHERE provider = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO integrations (provider, state, settings, "
                         + "client_secret, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, provider);
                del.executeUpdate();
                ins.setString(1, provider);
                ins.setString(2, state);
                ins.setString(3, EventJson.MAPPER.writeValueAsString(plain));
                ins.setString(4, secret == null ? null : secrets.encrypt(secret));
                ins.setTimestamp(5, Timestamp.from(created));
                ins.setTimestamp(6, Timestamp.from(now));
                ins.setString(7, actor);
                ins.executeUpdate();
            }
            c.commit();
            return new Record(provider, state, Map.copyOf(settings), created, now, actor);
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot save integration " + provider, e);
        }
    }
}
