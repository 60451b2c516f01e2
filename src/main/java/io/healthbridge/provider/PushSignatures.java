package io.healthbridge.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What the push handlers' signature checks share: HMAC, constant-time comparison, timestamp freshness, PEM keys. */
public final class PushSignatures {

    /** Notifications older or newer than this are refused as stale. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private PushSignatures() {
    }

    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** The timestamp (epoch seconds or milliseconds) is within {@link #TOLERANCE} of now. */
    public static void fresh(String timestamp, Clock clock) throws PushRefused {
        long t;
        try {
            t = Long.parseLong(timestamp == null ? "" : timestamp.trim());
        } catch (NumberFormatException e) {
            throw new PushRefused(401, "missing or unreadable signature timestamp");
        }
        Instant at = t > 10_000_000_000L ? Instant.ofEpochMilli(t) : Instant.ofEpochSecond(t);
        if (Duration.between(at, clock.instant()).abs().compareTo(TOLERANCE) > 0) {
            throw new PushRefused(401, "stale notification: signed at " + at + ", more than 5 minutes away");
        }
    }

    public static byte[] hmac(String key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] concat(String prefix, byte[] body) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[p.length + body.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(body, 0, out, p.length, body.length);
        return out;
    }

    /** Compares in constant time. */
    public static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
