package io.healthbridge.provider.strava;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.DataType;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.store.Connection;

/**
 * Strava push subscriptions: the {@code hub.challenge} echo for the subscription's {@code hub.verify_token}; events are
 * not signed, so the subscription id must be ours and the owner a connected athlete. An athlete's deauthorization
 * revokes the connection; an activity created or updated fetches the activities.
 */
public class StravaPush implements PushHandler {

    private static final String DEAUTHORIZED = "the athlete deauthorized the app at Strava";

    @Override
    public String provider() {
        return "strava";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if ("GET".equals(r.method())) {
            String expected = r.setting("webhook.verify-token");
            String token = r.header("hub.verify_token");
            if (expected.isBlank() || token == null || !PushSignatures.equal(expected, token)) {
                throw new PushRefused(401, "hub.verify_token does not match");
            }
            r.respond(200, Map.of("hub.challenge", String.valueOf(r.header("hub.challenge"))));
            return;
        }
        JsonNode n = r.json();
        String subscription = r.setting("webhook.subscription-id");
        if (subscription.isBlank() || !PushSignatures.equal(subscription, n.path("subscription_id").asText(""))) {
            throw new PushRefused(401, "subscription_id is not this app's push subscription");
        }
        Connection c = r.connection(n.path("owner_id").asText(null));
        if ("athlete".equals(n.path("object_type").asText()) && "false".equals(n.path("updates").path("authorized").asText())) {
            r.revoke(c, DEAUTHORIZED);
            r.acknowledge("connection revoked");
            return;
        }
        boolean activity = "activity".equals(n.path("object_type").asText());
        if (activity && "delete".equals(n.path("aspect_type").asText())) {
            String record = n.path("object_id").asText("");
            if (record.isBlank()) {
                r.acknowledge("the deletion names no activity");
                return;
            }
            r.delete(c, new Deletion(record, List.of(DataType.WORKOUT), "strava webhook: activity delete"),
                    new String(r.body(), StandardCharsets.UTF_8));
            return;
        }
        r.accept(c, activity ? List.of("activities") : List.of(), new String(r.body(), StandardCharsets.UTF_8));
    }
}
