package io.healthbridge.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import io.healthbridge.crypto.SecretBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AES-GCM at rest: round trip, fresh nonce per value, tampering and a wrong key detected without leaking. */
class SecretBoxTest {

    @TempDir
    Path dir;

    @Test
    void roundTripWithAFreshNonceEachTime() throws Exception {
        SecretBox box = SecretBox.load(Base64.getEncoder().encodeToString(new byte[32]), dir);
        String a = box.encrypt("refresh-token-123");
        String b = box.encrypt("refresh-token-123");
        assertThat(a).startsWith("v1:").isNotEqualTo(b).doesNotContain("refresh-token-123");
        assertThat(box.decrypt(a)).isEqualTo("refresh-token-123");
    }

    @Test
    void tamperingAndAWrongKeyAreRefusedWithoutTheValue() throws Exception {
        SecretBox box = SecretBox.load(null, dir);
        assertThat(Files.exists(dir.resolve("secret.key"))).isTrue();
        String sealed = box.encrypt("secret-value");
        char[] c = sealed.toCharArray();
        c[10] = c[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> box.decrypt(new String(c))).hasMessageNotContaining("secret-value");
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> new SecretBox(other).decrypt(sealed)).hasMessageContaining("HEALTHBRIDGE_SECRET_KEY");
        assertThat(SecretBox.load(null, dir).decrypt(sealed)).as("the development key is kept").isEqualTo("secret-value");
    }

    @Test
    void aKeyOfTheWrongSizeIsAClearError() {
        assertThatThrownBy(() -> SecretBox.load(Base64.getEncoder().encodeToString(new byte[16]), dir))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> SecretBox.load("not base64!", dir)).hasMessageContaining("HEALTHBRIDGE_SECRET_KEY");
    }
}
