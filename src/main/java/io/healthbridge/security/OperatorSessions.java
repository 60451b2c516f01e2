package io.healthbridge.security;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * Operator logins: a short-lived JWT access token (HS256, Nimbus JOSE) naming the operator, role and session, and an
 * opaque refresh token stored only as a digest. Refreshing rotates the refresh token; presenting a replaced one again
 * revokes the session (it was copied). Logout revokes the session, which ends its access tokens at once: every access
 * token is checked against its session. The signing key is random, kept encrypted in the store so every instance
 * of a cluster shares it.
 */
public class OperatorSessions {

    private static final String ISSUER = "healthbridge";
    private static final String KEY_SETTING = "operator-jwt-key";

    /** What login and refresh hand out. */
    public record Tokens(String accessToken, String refreshToken, long expiresIn, Operators.Operator operator) {
    }

    private final DataSource dataSource;
    private final Operators operators;
    private final Clock clock;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    public OperatorSessions(DataSource dataSource, Operators operators, SecretBox secrets, Clock clock,
            Duration accessTtl, Duration refreshTtl) {
        this.dataSource = dataSource;
        this.operators = operators;
        this.clock = clock;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
        this.key = SharedKeys.load(dataSource, secrets, clock, KEY_SETTING);
    }

    /** A new session for an operator whose password was just checked. */
    public Tokens open(Operators.Operator op) {
        String sid = UUID.randomUUID().toString();
        String refresh = newRefreshToken();
        Instant now = clock.instant();
        update("INSERT INTO operator_sessions (id, username, refresh_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                sid, op.username(), ApiKeys.digest(refresh), Timestamp.from(now), Timestamp.from(now.plus(refreshTtl)));
        return new Tokens(accessToken(op, sid, now), refresh, accessTtl.toSeconds(), op);
    }

    /** New tokens for a valid refresh token; empty when it is unknown, expired or revoked. */
    public Optional<Tokens> refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 200) {
            return Optional.empty();
        }
        String hash = ApiKeys.digest(refreshToken.trim());
        Instant now = clock.instant();
        String sid;
        String username;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, username, expires_at, revoked_at FROM operator_sessions WHERE refresh_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    // a replaced token presented again: somebody kept a copy; end that session
                    update("UPDATE operator_sessions SET revoked_at = ? WHERE previous_refresh_hash = ? AND revoked_at IS NULL",
                            Timestamp.from(now), hash);
                    return Optional.empty();
                }
                if (rs.getTimestamp("revoked_at") != null || !rs.getTimestamp("expires_at").toInstant().isAfter(now)) {
                    return Optional.empty();
                }
                sid = rs.getString("id");
                username = rs.getString("username");
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read session", e);
        }
        Optional<Operators.Operator> op = operators.find(username);
        if (op.isEmpty()) {
            return Optional.empty();
        }
        String next = newRefreshToken();
        // the compare-and-set on the old digest makes two concurrent refreshes with one token yield one winner
        int n = update("UPDATE operator_sessions SET refresh_hash = ?, previous_refresh_hash = ?, refreshed_at = ?, "
                       + "expires_at = ? WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL",
                ApiKeys.digest(next), hash, Timestamp.from(now), Timestamp.from(now.plus(refreshTtl)), sid, hash);
        if (n != 1) {
            return Optional.empty();
        }
        return Optional.of(new Tokens(accessToken(op.get(), sid, now), next, accessTtl.toSeconds(), op.get()));
    }

    /** Ends a session: its refresh token and every access token issued for it stop working. */
    public boolean revoke(String sessionId) {
        return update("UPDATE operator_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), sessionId) == 1;
    }

    /** Whether a bearer credential has the shape of one of our access tokens (a JWS), rather than an API key. */
    public static boolean looksLikeJwt(String credential) {
        return credential != null && credential.startsWith("eyJ") && credential.chars().filter(ch -> ch == '.').count() == 2;
    }

    /** Checks an access token: signature, issuer, expiry (AUTH_002), and that its session is live. */
    public AuthCheck verify(String token) {
        return verify(token, false);
    }

    /**
     * Whether the session behind an access token still stands (not logged out or revoked, not past its refresh
     * lifetime, its operator not deleted), however old the token itself: what an open WebSocket stream rests on.
     */
    public boolean stillActive(String token) {
        return verify(token, true).ok();
    }

    private AuthCheck verify(String token, boolean sessionOnly) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return AuthCheck.fail("AUTH_001", "invalid access token");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException e) {
            return AuthCheck.fail("AUTH_001", "invalid access token");
        }
        if (!ISSUER.equals(claims.getIssuer()) || claims.getExpirationTime() == null) {
            return AuthCheck.fail("AUTH_001", "invalid access token");
        }
        if (!sessionOnly && !claims.getExpirationTime().toInstant().isAfter(clock.instant())) {
            return AuthCheck.fail("AUTH_002", "access token expired: POST /api/v1/auth/refresh with the refresh token");
        }
        String sid;
        try {
            sid = claims.getStringClaim("sid");
        } catch (ParseException e) {
            return AuthCheck.fail("AUTH_001", "invalid access token");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT s.revoked_at, o.role, s.expires_at FROM operator_sessions s JOIN operators o "
                + "ON o.username = s.username WHERE s.id = ? AND s.username = ?")) {
            ps.setString(1, sid);
            ps.setString(2, claims.getSubject());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getTimestamp(1) != null
                    || sessionOnly && !rs.getTimestamp(3).toInstant().isAfter(clock.instant())) {
                    return AuthCheck.fail("AUTH_001", "session ended: log in again");
                }
                // the role is read now, so a demoted operator loses rights before the token expires
                return AuthCheck.ok(new Operators.Operator(claims.getSubject(), rs.getString(2), null, null).principal(), sid);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read session", e);
        }
    }

    private String accessToken(Operators.Operator op, String sid, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(op.username()).claim("role", op.role())
                .claim("sid", sid).jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(accessTtl))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign access token", e);
        }
        return jwt.serialize();
    }

    private String newRefreshToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "hbr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private int update(String sql, Object... args) {
        return Sql.update(dataSource, "update sessions", sql, args);
    }
}
