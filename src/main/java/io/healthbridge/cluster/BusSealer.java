package io.healthbridge.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.healthbridge.crypto.SecretBox;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.store.UserKeyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.support.LRUCacheFactory;

/**
 * Crypto-shredding on the Kafka bus: each event goes to the topic encrypted (AES-256-GCM, the user id as associated
 * data) with its user's own key, kept in the store sealed by the secret key. Erasing the user deletes that key, so the
 * copies the topic retains (and any consumer kept) can no longer be read, where no DELETE reaches them.
 *
 * <p>A sealed message is {@code hbsealed:v1:} and the base64 of the nonce and the ciphertext. The notice of an erasure
 * ({@code healthbridge.user.erased}) goes in clear: it must reach consumers after the key is gone.
 */
public class BusSealer {

    static final String PREFIX = "hbsealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Unsealed keys kept in memory, least recently used out first (a store read brings one back). */
    static final int CACHED_KEYS = 10_000;

    private final UserKeyStore keys;
    private final SecretBox secrets;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKeySpec> cache = LRUCacheFactory.newLRUCache(CACHED_KEYS);
    private final Counter unreadable;

    public BusSealer(UserKeyStore keys, SecretBox secrets, MeterRegistry meters) {
        this.keys = keys;
        this.secrets = secrets;
        this.unreadable = meters.counter("healthbridge.bus.unreadable");
    }

    /** The message for the topic: the event encrypted with its user's key (made on the user's first event). */
    public String seal(String userId, String type, String json) {
        if (userId == null || DataType.USER_ERASED.eventType().equals(type)) {
            return json;
        }
        SecretKeySpec key = cache.get(userId);
        if (key == null) {
            key = keys.sealedKey(userId).map(this::unseal).orElseGet(() -> create(userId));
            remember(userId, key);
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(json.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt an event for the bus", e);
        }
    }

    /**
     * The event JSON of a message read from the topic; empty when it cannot be read: its user was erased (the key is
     * gone), or it was not sealed for that user. Counted in {@code healthbridge.bus.unreadable}.
     */
    public Optional<String> open(String userId, String message) {
        if (message == null || !message.startsWith(PREFIX)) {
            return Optional.ofNullable(message);
        }
        if (userId == null) {
            unreadable.increment();
            return Optional.empty();
        }
        SecretKeySpec key = cache.get(userId);
        if (key == null) {
            Optional<String> stored = keys.sealedKey(userId);
            if (stored.isEmpty()) {
                unreadable.increment();
                return Optional.empty();
            }
            key = unseal(stored.get());
            remember(userId, key);
        }
        try {
            byte[] in = Base64.getDecoder().decode(message.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            return Optional.of(new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            unreadable.increment();
            return Optional.empty();
        }
    }

    /** {@link #open} for a bus consumer route: the body becomes the event JSON, or null when it cannot be read. */
    public String openMessage(String userId, String message) {
        return open(userId, message).orElse(null);
    }

    /** Drops a user's key from memory (the user was erased: the stored key is gone too). */
    public void forget(String userId) {
        cache.remove(userId);
    }

    /** An erasure notice on the bus: every instance forgets the user's key. */
    public void onEvent(CanonicalEvent event) {
        if (DataType.USER_ERASED.eventType().equals(event.type())) {
            forget(event.subject());
        }
    }

    private SecretKeySpec create(String userId) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String sealed = keys.createIfAbsent(userId, secrets.encrypt(Base64.getEncoder().encodeToString(raw)));
        return unseal(sealed);
    }

    private SecretKeySpec unseal(String sealed) {
        return new SecretKeySpec(Base64.getDecoder().decode(secrets.decrypt(sealed)), "AES");
    }

    private void remember(String userId, SecretKeySpec key) {
        cache.put(userId, key);
    }
}
