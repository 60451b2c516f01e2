package io.healthbridge.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed connect links: {@code /connect/{provider}?user=…&expires=…&sig=…}. An operator (or the app that onboards
 * its users) asks for a link for one user and one provider; only that link starts an authorization that links a
 * provider account to that user. Without it anyone could link their own provider account to another person's user
 * id and fill that person's record with their data.
 */
public class ConnectLinks {

    /** The longest a link may live. */
    public static final Duration MAX_TTL = Duration.ofDays(7);

    private final byte[] key;
    private final Clock clock;
    private final boolean required;

    /** @param required whether {@code /connect} refuses a link that is not signed (the safe default) */
    public ConnectLinks(byte[] key, Clock clock, boolean required) {
        this.key = key.clone();
        this.clock = clock;
        this.required = required;
    }

    /** A link's query ({@code user=…&expires=…&sig=…}) for {@code user} to connect {@code provider}, valid for {@code ttl}. */
    public String query(String provider, String user, Duration ttl) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        return "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&expires=" + expires + "&sig="
               + sign(provider, user, expires);
    }

    public Instant expiry(Duration ttl) {
        return Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond());
    }

    /** Why a link is not valid, or null when it is. */
    public String problem(String provider, String user, String expires, String sig) {
        if (!required) {
            return null;
        }
        if (expires == null || sig == null) {
            return "this connect link is not signed: ask an operator for one (POST /api/v1/connect-links)";
        }
        long at;
        try {
            at = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return "this connect link is not valid";
        }
        if (!MessageDigest.isEqual(sign(provider, user, at).getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII))) {
            return "this connect link is not valid";
        }
        if (at < clock.instant().getEpochSecond()) {
            return "this connect link has expired: ask for a new one";
        }
        return null;
    }

    private String sign(String provider, String user, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] d = mac.doFinal((provider + "\n" + user + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
