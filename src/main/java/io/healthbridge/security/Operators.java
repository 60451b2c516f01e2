package io.healthbridge.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/** Operator users: a username, an Argon2id password hash and a role ({@code admin} or {@code viewer}). */
public class Operators {

    public static final String ADMIN = "admin";
    public static final String VIEWER = "viewer";
    public static final Set<String> ROLES = Set.of(ADMIN, VIEWER);
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    /** An operator as listed: never the password hash. */
    public record Operator(String username, String role, Instant createdAt, Instant lastLoginAt) {

        /** Admins may do everything, viewers may read. */
        public ApiKeys.Principal principal() {
            return new ApiKeys.Principal("operator:" + username, username,
                    Set.of(ADMIN.equals(role) ? ApiKeys.ADMIN : ApiKeys.READ));
        }
    }

    /** The username is taken. */
    public static class AlreadyExistsException extends RuntimeException {
        public AlreadyExistsException(String username) {
            super("operator '" + username + "' already exists");
        }
    }

    private final DataSource dataSource;
    private final PasswordHasher hasher;
    private final Clock clock;
    /** Checked against when the username is unknown, so a wrong name costs as long as a wrong password. */
    private final String dummyHash;

    public Operators(DataSource dataSource, PasswordHasher hasher, Clock clock) {
        this.dataSource = dataSource;
        this.hasher = hasher;
        this.clock = clock;
        this.dummyHash = hasher.hash("not-a-password-of-anyone");
    }

    /** Usernames are lower case; the input is normalised first. */
    public static String normalise(String username) {
        return username == null ? null : username.trim().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static void validate(String username, String password, String role) {
        String u = normalise(username);
        if (u == null || !USERNAME.matcher(u).matches()) {
            throw new IllegalArgumentException("username: 1-64 characters of a-z, 0-9, '.', '_', '@', '-'");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > 1024) {
            throw new IllegalArgumentException("password: at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (role == null || !ROLES.contains(role)) {
            throw new IllegalArgumentException("role: one of " + ROLES);
        }
    }

    public Operator create(String username, String password, String role) {
        validate(username, password, role);
        String u = normalise(username);
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO operators (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, u);
            ps.setString(2, hasher.hash(password));
            ps.setString(3, role);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e instanceof SQLIntegrityConstraintViolationException || "23505".equals(e.getSQLState())) {
                throw new AlreadyExistsException(u);
            }
            throw new StoreException("cannot create operator", e);
        }
        return new Operator(u, role, now, null);
    }

    /** Sets a new password (and role); every session of the operator ends. */
    public boolean update(String username, String password, String role) {
        validate(username, password, role);
        String u = normalise(username);
        int n = update("UPDATE operators SET password_hash = ?, role = ?, updated_at = ? WHERE username = ?",
                hasher.hash(password), role, Timestamp.from(clock.instant()), u);
        update("UPDATE operator_sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), u);
        return n == 1;
    }

    /** Checks a password; empty when the user is unknown or the password wrong (which one is not told). */
    public Optional<Operator> check(String username, String password) {
        String u = normalise(username);
        String hash = null;
        Operator op = null;
        if (u != null && u.length() <= 64) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM operators WHERE username = ?")) {
                ps.setString(1, u);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        hash = rs.getString("password_hash");
                        op = read(rs);
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read operator", e);
            }
        }
        boolean ok = hasher.verify(password == null ? "" : password, hash == null ? dummyHash : hash);
        if (!ok || op == null) {
            return Optional.empty();
        }
        update("UPDATE operators SET last_login_at = ? WHERE username = ?", Timestamp.from(clock.instant()), u);
        return Optional.of(op);
    }

    public Optional<Operator> find(String username) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM operators WHERE username = ?")) {
            ps.setString(1, normalise(username));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read operator", e);
        }
    }

    public List<Operator> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM operators ORDER BY username");
             ResultSet rs = ps.executeQuery()) {
            List<Operator> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list operators", e);
        }
    }

    /** Deletes an operator and (by cascade) every session of it. */
    public boolean delete(String username) {
        update("DELETE FROM operator_sessions WHERE username = ?", normalise(username));
        return update("DELETE FROM operators WHERE username = ?", normalise(username)) == 1;
    }

    public boolean isEmpty() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM operators");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) == 0;
        } catch (SQLException e) {
            throw new StoreException("cannot count operators", e);
        }
    }

    private static Operator read(ResultSet rs) throws SQLException {
        Timestamp last = rs.getTimestamp("last_login_at");
        return new Operator(rs.getString("username"), rs.getString("role"), rs.getTimestamp("created_at").toInstant(),
                last == null ? null : last.toInstant());
    }

    private int update(String sql, Object... args) {
        return Sql.update(dataSource, "update operators", sql, args);
    }
}
