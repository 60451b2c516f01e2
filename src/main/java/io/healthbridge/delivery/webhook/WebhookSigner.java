package io.healthbridge.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>},
 * the key being the base64 part of a {@code whsec_} secret. During a secret rotation both signatures are sent,
 * space-separated, so receivers on either secret verify.
 */
public final class WebhookSigner {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSigner() {
    }

    /** A new secret: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Checks a secret given by a user; returns why it is unusable, or null. */
    public static String problem(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return "secret must start with whsec_";
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            return key.length < 24 || key.length > 64 ? "secret key must be 24 to 64 bytes" : null;
        } catch (IllegalArgumentException e) {
            return "secret after whsec_ must be base64";
        }
    }

    public static String sign(String secret, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The three Standard Webhooks headers for one attempt. */
    public static Map<String, String> headers(String id, long timestamp, byte[] body, String secret, String previousSecret) {
        List<String> signatures = new ArrayList<>();
        signatures.add(sign(secret, id, timestamp, body));
        if (previousSecret != null) {
            signatures.add(sign(previousSecret, id, timestamp, body));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("webhook-id", id);
        h.put("webhook-timestamp", String.valueOf(timestamp));
        h.put("webhook-signature", String.join(" ", signatures));
        return h;
    }
}
