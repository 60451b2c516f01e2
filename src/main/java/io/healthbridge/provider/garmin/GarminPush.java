package io.healthbridge.provider.garmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.store.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garmin push and ping: bodies keyed by summary type, each item naming its user; push bodies carry the summaries,
 * ping bodies a callback URL to pull. Garmin signs nothing, and its client id is no secret (the connect redirect
 * shows it): the push URL set in Garmin's Endpoint Configuration Tool must carry this deployment's secret token
 * ({@code ?token=}) and the {@code garmin-client-id} header this app's client id. One inbox entry per user and summary
 * type; unknown users are skipped and counted. A deregistration revokes the user's connection.
 */
public class GarminPush implements PushHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GarminPush.class);
    /** The summary type of a user's deregistration: {@code {"deregistrations":[{"userId":…}]}}. */
    static final String DEREGISTRATIONS = "deregistrations";
    static final String DEREGISTERED = "the user removed the app's access at Garmin";

    private final ProviderRegistry providers;

    public GarminPush(ProviderRegistry providers) {
        this.providers = providers;
    }

    @Override
    public String provider() {
        return "garmin";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if (!"POST".equals(r.method())) {
            throw new PushRefused(405, "notifications are POSTed");
        }
        String token = r.setting("webhook.token");
        if (token.isBlank()) {
            throw new PushRefused(401, "Garmin pushes are refused until healthbridge.providers.garmin."
                                       + "webhook.token is set and given in the push URL (?token=)");
        }
        String givenToken = r.header("token");
        if (givenToken == null || !PushSignatures.equal(token, givenToken)) {
            throw new PushRefused(401, "the push URL's token does not match");
        }
        String clientId = providers.settings("garmin").oauth().clientId();
        String given = r.header("garmin-client-id");
        if (clientId == null || clientId.isBlank() || given == null || !PushSignatures.equal(clientId, given)) {
            throw new PushRefused(401, "garmin-client-id is not this app's client id");
        }
        JsonNode n = r.json();
        int stored = 0;
        int unknown = 0;
        for (JsonNode item : n.path(DEREGISTRATIONS)) {
            // the user removed this app's access at Garmin: nothing more will come, nothing is fetched
            Optional<Connection> c = r.findConnection(item.path("userId").asText(""));
            if (c.isEmpty()) {
                unknown++;
                continue;
            }
            r.revoke(c.get(), DEREGISTERED);
            stored++;
        }
        for (var it = n.fields(); it.hasNext();) {
            var e = it.next();
            String dataset = GarminApi.datasetOf(e.getKey());
            if (dataset == null || !e.getValue().isArray()) {
                continue;
            }
            Map<String, ArrayNode> byUser = new LinkedHashMap<>();
            for (JsonNode item : e.getValue()) {
                byUser.computeIfAbsent(item.path("userId").asText(""), k -> EventJson.MAPPER.createArrayNode()).add(item);
            }
            for (var u : byUser.entrySet()) {
                Optional<Connection> c = r.findConnection(u.getKey());
                if (c.isEmpty()) {
                    unknown++;
                    LOG.warn("Garmin notification for unknown user {} skipped", u.getKey());
                    continue;
                }
                var envelope = EventJson.object();
                envelope.set(e.getKey(), u.getValue());
                try {
                    r.store(c.get(), List.of(dataset), EventJson.write(envelope));
                    stored++;
                } catch (PushRefused gone) {
                    unknown++; // the user was erased while the notification came in
                }
            }
        }
        if (stored == 0 && unknown > 0) {
            throw new PushRefused(404, "no active connection for the users of this notification");
        }
        r.counted();
        r.respond(200, Map.of("accepted", stored));
    }
}
