package io.healthbridge.provider.googlehealth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;

/**
 * Google Health API notifications (Fitbit's connection): the subscriber secret in {@code Authorization}, and, when a
 * public key is set, the ECDSA signature of the body in {@code X-HEALTHAPI-SIGNATURE}. A body naming no user is the
 * endpoint's verification.
 */
public class GoogleHealthPush implements PushHandler {

    private final ProviderRegistry providers;

    public GoogleHealthPush(ProviderRegistry providers) {
        this.providers = providers;
    }

    @Override
    public String provider() {
        return "fitbit";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if (!"POST".equals(r.method())) {
            throw new PushRefused(405, "notifications are POSTed");
        }
        String signature = r.header("X-HEALTHAPI-SIGNATURE") != null ? r.header("X-HEALTHAPI-SIGNATURE")
                : r.header("GOOGLE-HEALTH-API-SIGNATURE");
        verify(r.header("Authorization"), signature, r.body(), r.setting("webhook.authorization"),
                r.setting("webhook.public-key"));
        r.once(signature);
        JsonNode n = r.json();
        String user = n.path("healthUserId").asText(n.path("userId").asText(null));
        if (user == null) {
            r.acknowledge("endpoint verification");
            return;
        }
        String dataType = n.path("dataType").asText("");
        List<String> datasets = providers.api("fitbit").orElseThrow().datasets().contains(dataType) ? List.of(dataType)
                : List.of();
        r.accept(r.connection(user), datasets, new String(r.body(), StandardCharsets.UTF_8));
    }

    private static void verify(String authorization, String signature, byte[] body, String secret, String publicKeyPem)
            throws PushRefused {
        if (secret == null || secret.isBlank()) {
            throw new PushRefused(401, "no subscriber secret configured (healthbridge.providers.fitbit.webhook.authorization)");
        }
        String given = authorization == null ? "" : authorization.replaceFirst("(?i)^Bearer ", "").trim();
        if (!PushSignatures.equal(secret, given)) {
            throw new PushRefused(401, "Authorization does not carry the subscriber secret");
        }
        if (publicKeyPem == null || publicKeyPem.isBlank()) {
            return;
        }
        if (signature == null) {
            throw new PushRefused(401, "missing X-HEALTHAPI-SIGNATURE");
        }
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(PushSignatures.publicKey(publicKeyPem));
            ecdsa.update(body);
            if (!ecdsa.verify(Base64.getDecoder().decode(signature.trim()))) {
                throw new PushRefused(401, "X-HEALTHAPI-SIGNATURE does not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PushRefused(401, "X-HEALTHAPI-SIGNATURE cannot be checked: " + e.getClass().getSimpleName());
        }
    }
}
