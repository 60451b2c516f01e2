package io.healthbridge.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts secrets at rest (tokens, client secrets) with AES-256-GCM from the JDK: a random 96-bit nonce per value,
 * stored as {@code v1:<base64(nonce|ciphertext|tag)>}. The key comes from {@code HEALTHBRIDGE_SECRET_KEY} (base64 of 32
 * bytes); without one a key is generated into the data folder for development, with a loud warning.
 */
public final class SecretBox {

    private static final Logger LOG = LoggerFactory.getLogger(SecretBox.class);
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the secret key must be 32 bytes (base64 of 32 random bytes), got "
                                               + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The key from {@code base64Key} when set, else the development key file in {@code dataDir} (created once). */
    public static SecretBox load(String base64Key, Path dataDir) throws IOException {
        if (base64Key != null && !base64Key.isBlank()) {
            try {
                return new SecretBox(Base64.getDecoder().decode(base64Key.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("HEALTHBRIDGE_SECRET_KEY is not base64 of 32 bytes: " + e.getMessage());
            }
        }
        Path file = dataDir.resolve("secret.key");
        if (!Files.exists(file)) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            OwnerOnlyFiles.write(file, Base64.getEncoder().encodeToString(k));
        }
        LOG.warn("**************************************************************************************");
        LOG.warn("HEALTHBRIDGE_SECRET_KEY is not set: tokens are encrypted with a DEVELOPMENT key kept in {}.", file);
        LOG.warn("Anyone who can read that file can read the tokens. Set HEALTHBRIDGE_SECRET_KEY in production");
        LOG.warn("(base64 of 32 random bytes: openssl rand -base64 32).");
        LOG.warn("**************************************************************************************");
        return new SecretBox(Base64.getDecoder().decode(Files.readString(file).trim()));
    }

    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(String sealed) {
        if (sealed == null) {
            return null;
        }
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not an encrypted value");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never include the value: it is a secret
            throw new IllegalStateException("cannot decrypt a stored secret: wrong HEALTHBRIDGE_SECRET_KEY or damaged value");
        }
    }
}
