package io.healthbridge.provider.oura;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.DataType;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;

/**
 * Oura webhooks: the subscription's GET handshake echoes {@code challenge} for our {@code verification_token};
 * notifications are signed {@code x-oura-signature} = upper-case hex HMAC-SHA256(client secret,
 * {@code x-oura-timestamp} + body), the timestamp in epoch seconds. A {@code delete} of a document names it by
 * {@code object_id}: the events made from that document become tombstones. Heart rate samples carry no document id,
 * so their deletion cannot be told apart and is acknowledged only.
 */
public class OuraPush implements PushHandler {

    /** The canonical types each Oura document type is mapped to ({@link OuraMapper}). */
    static final Map<String, List<DataType>> DELETABLE = Map.ofEntries(
            Map.entry("sleep", List.of(DataType.SLEEP_SESSION, DataType.HEART_RATE_VARIABILITY,
                    DataType.RESPIRATORY_RATE, DataType.HEART_RATE)),
            Map.entry("workout", List.of(DataType.WORKOUT)),
            Map.entry("daily_activity", List.of(DataType.DAILY_ACTIVITY)),
            Map.entry("daily_spo2", List.of(DataType.OXYGEN_SATURATION)),
            Map.entry("daily_readiness", List.of(DataType.READINESS_SCORE, DataType.BODY_TEMPERATURE_DEVIATION)),
            Map.entry("daily_sleep", List.of(DataType.SLEEP_SCORE)),
            Map.entry("vo2_max", List.of(DataType.VO2_MAX)),
            Map.entry("daily_cardiovascular_age", List.of(DataType.VASCULAR_AGE, DataType.PULSE_WAVE_VELOCITY)),
            Map.entry("daily_stress", List.of(DataType.DAILY_STRESS)),
            Map.entry("daily_resilience", List.of(DataType.RESILIENCE)),
            Map.entry("session", List.of(DataType.MINDFULNESS_SESSION)));

    private final ProviderRegistry providers;
    private final Clock clock;

    public OuraPush(ProviderRegistry providers, Clock clock) {
        this.providers = providers;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return "oura";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if ("GET".equals(r.method())) {
            String token = r.header("verification_token");
            String expected = r.setting("webhook.verification-token");
            if (expected.isBlank() || token == null || !PushSignatures.equal(expected, token)) {
                throw new PushRefused(401, "verification_token does not match");
            }
            r.respond(200, Map.of("challenge", String.valueOf(r.header("challenge"))));
            return;
        }
        String signature = r.header("x-oura-signature");
        verify(signature, r.header("x-oura-timestamp"), r.body(), providers.settings("oura").oauth().clientSecret(), clock);
        r.once(signature);
        JsonNode n = r.json();
        String dataType = n.path("data_type").asText("");
        if ("delete".equals(n.path("event_type").asText())) {
            List<DataType> types = DELETABLE.get(dataType);
            String record = n.path("object_id").asText("");
            if (types == null || record.isBlank()) {
                r.acknowledge("no published record of data_type '" + dataType + "' is named by an id");
                return;
            }
            r.delete(r.connection(n.path("user_id").asText(null)), new Deletion(record, types,
                    "oura webhook: delete " + dataType), new String(r.body(), StandardCharsets.UTF_8));
            return;
        }
        List<String> datasets = providers.api("oura").orElseThrow().datasets().contains(dataType) ? List.of(dataType)
                : List.of();
        r.accept(r.connection(n.path("user_id").asText(null)), datasets, new String(r.body(), StandardCharsets.UTF_8));
    }

    /** The signature check alone. */
    static void verify(String signature, String timestamp, byte[] body, String clientSecret, Clock clock)
            throws PushRefused {
        PushSignatures.fresh(timestamp, clock);
        if (signature == null || clientSecret == null) {
            throw new PushRefused(401, "missing x-oura-signature");
        }
        String expected = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac(clientSecret,
                PushSignatures.concat(timestamp, body)));
        if (!PushSignatures.equal(expected, signature.trim().toUpperCase(Locale.ROOT))) {
            throw new PushRefused(401, "x-oura-signature does not match");
        }
    }
}
