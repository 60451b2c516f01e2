package io.healthbridge.provider.whoop;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.DataType;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;

/**
 * WHOOP webhooks: {@code X-WHOOP-Signature} = base64 HMAC-SHA256(client secret, {@code X-WHOOP-Signature-Timestamp}
 * + raw body), the timestamp in epoch milliseconds. {@code sleep|recovery|workout.updated} fetch that dataset;
 * deletions are acknowledged, not mirrored.
 */
public class WhoopPush implements PushHandler {

    private final ProviderRegistry providers;
    private final Clock clock;

    public WhoopPush(ProviderRegistry providers, Clock clock) {
        this.providers = providers;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return "whoop";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if (!"POST".equals(r.method())) {
            throw new PushRefused(405, "notifications are POSTed");
        }
        String signature = r.header("X-WHOOP-Signature");
        String timestamp = r.header("X-WHOOP-Signature-Timestamp");
        String secret = providers.settings("whoop").oauth().clientSecret();
        PushSignatures.fresh(timestamp, clock);
        if (signature == null || secret == null) {
            throw new PushRefused(401, "missing X-WHOOP-Signature");
        }
        String expected = Base64.getEncoder().encodeToString(PushSignatures.hmac(secret,
                PushSignatures.concat(timestamp.trim(), r.body())));
        if (!PushSignatures.equal(expected, signature.trim())) {
            throw new PushRefused(401, "X-WHOOP-Signature does not match");
        }
        r.once(signature);
        JsonNode n = r.json();
        String type = n.path("type").asText("");
        if (type.endsWith(".deleted")) {
            // v2: the id of a sleep, a workout, or of the sleep a recovery belongs to (WhoopMapper keeps the same)
            List<DataType> types = switch (type) {
                case "sleep.deleted" -> List.of(DataType.SLEEP_SESSION, DataType.RESPIRATORY_RATE);
                case "recovery.deleted" -> List.of(DataType.HEART_RATE_VARIABILITY, DataType.RESTING_HEART_RATE,
                        DataType.OXYGEN_SATURATION, DataType.READINESS_SCORE);
                case "workout.deleted" -> List.of(DataType.WORKOUT);
                default -> List.of();
            };
            String record = n.path("id").asText("");
            if (types.isEmpty() || record.isBlank()) {
                r.acknowledge("no published record is named by " + type);
                return;
            }
            r.delete(r.connection(n.path("user_id").asText(null)), new Deletion(record, types, "whoop webhook: " + type),
                    new String(r.body(), StandardCharsets.UTF_8));
            return;
        }
        List<String> datasets = switch (type) {
            case "sleep.updated" -> List.of("sleep");
            case "recovery.updated" -> List.of("recovery");
            case "workout.updated" -> List.of("workout");
            default -> List.of();
        };
        r.accept(r.connection(n.path("user_id").asText(null)), datasets, new String(r.body(), StandardCharsets.UTF_8));
    }
}
