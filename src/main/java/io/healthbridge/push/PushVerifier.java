package io.healthbridge.push;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature checks of provider push notifications, each as its provider documents it; every comparison in constant
 * time. A refusal is a {@link Refused} with the status to answer and the reason to log.
 */
public final class PushVerifier {

    /** Notifications older or newer than this are refused as stale. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** A notification that must not be processed. */
    public static final class Refused extends Exception {
        private final int status;

        public Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private PushVerifier() {
    }

    /**
     * Oura: {@code x-oura-signature} = upper-case hex HMAC-SHA256(client secret, {@code x-oura-timestamp} + body),
     * the timestamp in epoch seconds within {@link #TOLERANCE}.
     */
    public static void oura(String signature, String timestamp, byte[] body, String clientSecret, Clock clock)
            throws Refused {
        fresh(timestamp, clock);
        if (signature == null || clientSecret == null) {
            throw new Refused(401, "missing x-oura-signature");
        }
        String expected = HexFormat.of().withUpperCase().formatHex(hmac(clientSecret, concat(timestamp, body)));
        if (!equal(expected, signature.trim().toUpperCase(java.util.Locale.ROOT))) {
            throw new Refused(401, "x-oura-signature does not match");
        }
    }

    /**
     * WHOOP: {@code X-WHOOP-Signature} = base64 HMAC-SHA256(client secret, {@code X-WHOOP-Signature-Timestamp} + raw
     * body), the timestamp (epoch milliseconds) within {@link #TOLERANCE}.
     */
    public static void whoop(String signature, String timestamp, byte[] body, String clientSecret, Clock clock)
            throws Refused {
        fresh(timestamp, clock);
        if (signature == null || clientSecret == null) {
            throw new Refused(401, "missing X-WHOOP-Signature");
        }
        String expected = Base64.getEncoder().encodeToString(hmac(clientSecret, concat(timestamp.trim(), body)));
        if (!equal(expected, signature.trim())) {
            throw new Refused(401, "X-WHOOP-Signature does not match");
        }
    }

    /** Polar: {@code Polar-Webhook-Signature} = hex HMAC-SHA256(the webhook's signature secret key, raw body). */
    public static void polar(String signature, byte[] body, String secret) throws Refused {
        if (secret == null || secret.isBlank()) {
            throw new Refused(401, "no signature secret configured (healthbridge.providers.polar.webhook.signature-secret)");
        }
        if (signature == null) {
            throw new Refused(401, "missing Polar-Webhook-Signature");
        }
        String expected = HexFormat.of().formatHex(hmac(secret, body));
        if (!equal(expected, signature.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw new Refused(401, "Polar-Webhook-Signature does not match");
        }
    }

    /** Google Health: the subscriber secret in {@code Authorization}, and, when a public key is set, the ECDSA signature. */
    public static void googleHealth(String authorization, String signature, byte[] body, String secret, String publicKeyPem)
            throws Refused {
        if (secret == null || secret.isBlank()) {
            throw new Refused(401, "no subscriber secret configured (healthbridge.providers.fitbit.webhook.authorization)");
        }
        String given = authorization == null ? "" : authorization.replaceFirst("(?i)^Bearer ", "").trim();
        if (!equal(secret, given)) {
            throw new Refused(401, "Authorization does not carry the subscriber secret");
        }
        if (publicKeyPem != null && !publicKeyPem.isBlank()) {
            if (signature == null) {
                throw new Refused(401, "missing X-HEALTHAPI-SIGNATURE");
            }
            try {
                Signature ecdsa = Signature.getInstance("SHA256withECDSA");
                ecdsa.initVerify(publicKey(publicKeyPem));
                ecdsa.update(body);
                if (!ecdsa.verify(Base64.getDecoder().decode(signature.trim()))) {
                    throw new Refused(401, "X-HEALTHAPI-SIGNATURE does not verify");
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new Refused(401, "X-HEALTHAPI-SIGNATURE cannot be checked: " + e.getClass().getSimpleName());
            }
        }
    }

    static PublicKey publicKey(String pem) throws GeneralSecurityException {
        String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    static void fresh(String timestamp, Clock clock) throws Refused {
        long t;
        try {
            t = Long.parseLong(timestamp == null ? "" : timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Refused(401, "missing or unreadable signature timestamp");
        }
        Instant at = t > 10_000_000_000L ? Instant.ofEpochMilli(t) : Instant.ofEpochSecond(t);
        if (Duration.between(at, clock.instant()).abs().compareTo(TOLERANCE) > 0) {
            throw new Refused(401, "stale notification: signed at " + at + ", more than 5 minutes away");
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

    static byte[] concat(String prefix, byte[] body) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[p.length + body.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(body, 0, out, p.length, body.length);
        return out;
    }

    static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
