package io.healthbridge.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import io.healthbridge.crypto.OwnerOnlyFiles;
import io.healthbridge.security.ApiKeys;
import io.healthbridge.security.Operators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The first start's credentials: an admin API key and the operator {@code admin}, written to owner-only files. */
final class InitialCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(InitialCredentials.class);

    private InitialCredentials() {
    }

    /**
     * Without a bootstrap key and with no key in the store, an admin key is created once and written to
     * {@code data/initial-admin-api-key} (owner-only), never to the log: the API is never open by default.
     */
    static void adminKey(ApiKeys keys, Path dataDir) throws IOException {
        if (keys.hasBootstrapKey() || !keys.isEmpty()) {
            return;
        }
        Path file = dataDir.resolve("initial-admin-api-key");
        OwnerOnlyFiles.write(file, keys.create("initial admin", Set.of(ApiKeys.ADMIN)) + "\n");
        LOG.warn("No HEALTHBRIDGE_ADMIN_API_KEY set: created an admin API key and wrote it to {} (shown nowhere else)",
                file);
    }

    /**
     * The operator {@code admin}: with {@code HEALTHBRIDGE_ADMIN_PASSWORD} set, created with that password (or given it
     * when it differs); otherwise, when no operator exists, created once with a random password written to
     * {@code data/initial-admin-password} (owner-only), never to the log.
     */
    static void adminOperator(Operators operators, String password, Path dataDir) throws IOException {
        if (password != null && !password.isBlank()) {
            if (operators.find("admin").isEmpty()) {
                operators.create("admin", password, Operators.ADMIN);
            } else if (operators.check("admin", password).isEmpty()) {
                operators.update("admin", password, Operators.ADMIN);
            }
            return;
        }
        if (!operators.isEmpty()) {
            return;
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        operators.create("admin", generated, Operators.ADMIN);
        Path file = dataDir.resolve("initial-admin-password");
        OwnerOnlyFiles.write(file, generated + "\n");
        LOG.warn("No HEALTHBRIDGE_ADMIN_PASSWORD set: created operator 'admin' and wrote its password to {} (shown "
                 + "nowhere else); sign in at / and change it", file);
    }

}
