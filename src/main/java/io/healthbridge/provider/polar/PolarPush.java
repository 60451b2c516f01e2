package io.healthbridge.provider.polar;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;

/**
 * Polar AccessLink webhooks: the PING sent when the webhook is created gets 200; events are signed
 * {@code Polar-Webhook-Signature} = hex HMAC-SHA256(the webhook's signature secret key, raw body).
 */
public class PolarPush implements PushHandler {

    @Override
    public String provider() {
        return "polar";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if (!"POST".equals(r.method())) {
            throw new PushRefused(405, "notifications are POSTed");
        }
        JsonNode n = r.json();
        if ("PING".equals(n.path("event").asText())) {
            r.acknowledge("PING");
            return;
        }
        String secret = r.setting("webhook.signature-secret");
        String signature = r.header("Polar-Webhook-Signature");
        if (secret.isBlank()) {
            throw new PushRefused(401, "no signature secret configured (healthbridge.providers.polar.webhook.signature-secret)");
        }
        if (signature == null) {
            throw new PushRefused(401, "missing Polar-Webhook-Signature");
        }
        String expected = HexFormat.of().formatHex(PushSignatures.hmac(secret, r.body()));
        if (!PushSignatures.equal(expected, signature.trim().toLowerCase(Locale.ROOT))) {
            throw new PushRefused(401, "Polar-Webhook-Signature does not match");
        }
        r.once(signature);
        List<String> datasets = switch (n.path("event").asText("")) {
            case "EXERCISE" -> List.of("exercises");
            case "SLEEP" -> List.of("sleep");
            case "CONTINUOUS_HEART_RATE" -> List.of("continuous_heart_rate");
            case "ACTIVITY_SUMMARY" -> List.of("activity");
            case "PHYSICAL_INFORMATION" -> List.of("physical_information");
            default -> List.of();
        };
        r.accept(r.connection(n.path("user_id").asText(null)), datasets, new String(r.body(), StandardCharsets.UTF_8));
    }
}
