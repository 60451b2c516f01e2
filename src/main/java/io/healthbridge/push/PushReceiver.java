package io.healthbridge.push;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /providers/{provider}/webhook}: answers the provider's verification handshake, verifies each notification as
 * the provider specifies, stores it in the {@link PushInbox} and acknowledges at once; {@link PushProcessor} fetches
 * afterwards. A bad signature or a stale timestamp answers 401, an unknown user 404; the reason is logged, nothing is
 * stored.
 */
public class PushReceiver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(PushReceiver.class);

    /** Withings {@code appli} codes to the datasets that carry them. */
    static final Map<Integer, List<String>> WITHINGS_APPLI = Map.of(
            1, List.of("getmeas"), 2, List.of("getmeas"), 4, List.of("getmeas"),
            16, List.of("getactivity", "getworkouts", "getintradayactivity"), 44, List.of("sleep_summary"));

    private final ConnectionStore connections;
    private final ProviderRegistry providers;
    private final PushInbox inbox;
    private final BiFunction<String, String, String> property;
    private final MeterRegistry meters;
    private final Clock clock;
    private java.util.function.BiConsumer<Connection, String> onRevoked;
    private ReplayGuard replays;
    private static final String REPLAY_CLAIM = "Healthbridge.pushSignatureClaim";

    /** @param property reads {@code healthbridge.providers.<provider>.<key>} with a default */
    public PushReceiver(ConnectionStore connections, ProviderRegistry providers, PushInbox inbox,
            BiFunction<String, String, String> property, MeterRegistry meters, Clock clock) {
        this.connections = connections;
        this.providers = providers;
        this.inbox = inbox;
        this.property = property;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String provider = exchange.getIn().getHeader("provider", String.class);
        String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
        byte[] body = exchange.getIn().getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        try {
            try {
                route(exchange, provider, method, body);
            } catch (RuntimeException e) {
                release(exchange); // not stored: the provider's retry must not count as a replay
                throw e;
            }
        } catch (PushVerifier.Refused r) {
            String known = KNOWN.contains(provider) ? provider : "unknown";
            LOG.warn("Push notification to {} refused ({}): {}", known, r.status(), r.getMessage());
            meters.counter("healthbridge.push.refused", "provider", known).increment();
            ApiError.respond(exchange, r.status(), r.status() == 404 ? "RES_001" : r.status() == 409 ? "RES_002"
                    : "AUTH_001", r.getMessage(), Map.of());
        }
    }

    private void route(Exchange exchange, String provider, String method, byte[] body) throws Exception {
        switch (provider == null ? "" : provider) {
            case "oura" -> oura(exchange, method, body);
            case "withings" -> withings(exchange, method, body);
            case "fitbit" -> googleHealth(exchange, method, body);
            case "whoop" -> whoop(exchange, method, body);
            case "strava" -> strava(exchange, method, body);
            case "polar" -> polar(exchange, method, body);
            case "garmin" -> garmin(exchange, method, body);
            // the path segment is the caller's text: never echoed, logged or made a metric tag
            default -> throw new PushVerifier.Refused(404, "no push endpoint for this provider");
        }
    }

    /** Refuses a signed notification already accepted within the freshness window (a replay). */
    private void once(Exchange exchange, String provider, String signature) throws PushVerifier.Refused {
        if (replays == null || signature == null || signature.isBlank()) {
            return;
        }
        if (!replays.claim(provider, signature.trim())) {
            throw new PushVerifier.Refused(409, "this notification was received already (a replay)");
        }
        exchange.setProperty(REPLAY_CLAIM, new String[] {provider, signature.trim()});
    }

    private void release(Exchange exchange) {
        String[] claim = exchange.getProperty(REPLAY_CLAIM, String[].class);
        if (claim != null && replays != null) {
            replays.release(claim[0], claim[1]);
        }
    }

    /** Where push signatures are remembered for replay protection; none: no protection. */
    public void setReplayGuard(ReplayGuard replays) {
        this.replays = replays;
    }

    /** The providers with a push endpoint: the only values a log line or a metric tag may name. */
    static final java.util.Set<String> KNOWN = java.util.Set.of("oura", "withings", "fitbit", "whoop", "strava", "polar",
            "garmin");

    private String setting(String provider, String key) {
        return property.apply(provider + "." + key, "");
    }

    private void oura(Exchange exchange, String method, byte[] body) throws Exception {
        if ("GET".equals(method)) {
            String token = exchange.getIn().getHeader("verification_token", String.class);
            String expected = setting("oura", "webhook.verification-token");
            if (expected.isBlank() || token == null || !PushVerifier.equal(expected, token)) {
                throw new PushVerifier.Refused(401, "verification_token does not match");
            }
            Json.respond(exchange, 200, Map.of("challenge", String.valueOf(exchange.getIn().getHeader("challenge"))));
            return;
        }
        PushVerifier.oura(exchange.getIn().getHeader("x-oura-signature", String.class),
                exchange.getIn().getHeader("x-oura-timestamp", String.class), body,
                providers.settings("oura").oauth().clientSecret(), clock);
        once(exchange, "oura", exchange.getIn().getHeader("x-oura-signature", String.class));
        JsonNode n = json(body);
        String dataType = n.path("data_type").asText("");
        if ("delete".equals(n.path("event_type").asText())) {
            acknowledge(exchange, "deletions are not mirrored");
            return;
        }
        List<String> datasets = providers.api("oura").orElseThrow().datasets().contains(dataType) ? List.of(dataType)
                : List.of();
        accept(exchange, "oura", connection("oura", n.path("user_id").asText(null)), datasets, body);
    }

    private void withings(Exchange exchange, String method, byte[] body) throws Exception {
        if ("HEAD".equals(method) || "GET".equals(method)) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setBody("");
            return;
        }
        // Withings signs nothing: an optional shared token in the callback URL, and the user must be known
        String token = setting("withings", "webhook.token");
        if (!token.isBlank()) {
            String given = exchange.getIn().getHeader("token", String.class);
            if (given == null || !PushVerifier.equal(token, given)) {
                throw new PushVerifier.Refused(401, "callback token does not match");
            }
        }
        // platform-http turns a form body into headers; read the fields from whichever holds them
        Map<String, String> form = form(body);
        for (String field : List.of("userid", "appli", "startdate", "enddate")) {
            if (!form.containsKey(field) && exchange.getIn().getHeader(field) != null) {
                form.put(field, exchange.getIn().getHeader(field, String.class));
            }
        }
        // stored as JSON whatever the encoding it came in
        body = EventJson.write(EventJson.object(form)).getBytes(StandardCharsets.UTF_8);
        String userid = form.get("userid");
        int appli;
        try {
            appli = Integer.parseInt(form.getOrDefault("appli", ""));
        } catch (NumberFormatException e) {
            throw new PushVerifier.Refused(400, "appli is missing or not a number");
        }
        accept(exchange, "withings", connection("withings", userid), WITHINGS_APPLI.getOrDefault(appli, List.of()), body);
    }

    private void googleHealth(Exchange exchange, String method, byte[] body) throws Exception {
        if (!"POST".equals(method)) {
            throw new PushVerifier.Refused(405, "notifications are POSTed");
        }
        PushVerifier.googleHealth(exchange.getIn().getHeader("Authorization", String.class),
                Optional.ofNullable(exchange.getIn().getHeader("X-HEALTHAPI-SIGNATURE", String.class))
                        .orElse(exchange.getIn().getHeader("GOOGLE-HEALTH-API-SIGNATURE", String.class)),
                body, setting("fitbit", "webhook.authorization"), setting("fitbit", "webhook.public-key"));
        once(exchange, "fitbit", Optional.ofNullable(exchange.getIn().getHeader("X-HEALTHAPI-SIGNATURE", String.class))
                .orElse(exchange.getIn().getHeader("GOOGLE-HEALTH-API-SIGNATURE", String.class)));
        JsonNode n = json(body);
        String user = n.path("healthUserId").asText(n.path("userId").asText(null));
        if (user == null) {
            acknowledge(exchange, "endpoint verification");
            return;
        }
        String dataType = n.path("dataType").asText("");
        List<String> datasets = providers.api("fitbit").orElseThrow().datasets().contains(dataType) ? List.of(dataType)
                : List.of();
        accept(exchange, "fitbit", connection("fitbit", user), datasets, body);
    }

    private void whoop(Exchange exchange, String method, byte[] body) throws Exception {
        if (!"POST".equals(method)) {
            throw new PushVerifier.Refused(405, "notifications are POSTed");
        }
        PushVerifier.whoop(exchange.getIn().getHeader("X-WHOOP-Signature", String.class),
                exchange.getIn().getHeader("X-WHOOP-Signature-Timestamp", String.class), body,
                providers.settings("whoop").oauth().clientSecret(), clock);
        once(exchange, "whoop", exchange.getIn().getHeader("X-WHOOP-Signature", String.class));
        JsonNode n = json(body);
        String type = n.path("type").asText("");
        if (type.endsWith(".deleted")) {
            acknowledge(exchange, "deletions are not mirrored");
            return;
        }
        List<String> datasets = switch (type) {
            case "sleep.updated" -> List.of("sleep");
            case "recovery.updated" -> List.of("recovery");
            case "workout.updated" -> List.of("workout");
            default -> List.of();
        };
        accept(exchange, "whoop", connection("whoop", n.path("user_id").asText(null)), datasets, body);
    }

    /**
     * Strava: the {@code hub.challenge} echo for the subscription's {@code hub.verify_token}; events are not signed, so
     * the subscription id must be ours and the owner a connected athlete. An athlete's deauthorization revokes the
     * connection.
     */
    private void strava(Exchange exchange, String method, byte[] body) throws Exception {
        if ("GET".equals(method)) {
            String expected = setting("strava", "webhook.verify-token");
            String token = exchange.getIn().getHeader("hub.verify_token", String.class);
            if (expected.isBlank() || token == null || !PushVerifier.equal(expected, token)) {
                throw new PushVerifier.Refused(401, "hub.verify_token does not match");
            }
            Json.respond(exchange, 200, Map.of("hub.challenge", String.valueOf(exchange.getIn().getHeader("hub.challenge"))));
            return;
        }
        JsonNode n = json(body);
        String subscription = setting("strava", "webhook.subscription-id");
        if (subscription.isBlank() || !PushVerifier.equal(subscription, n.path("subscription_id").asText(""))) {
            throw new PushVerifier.Refused(401, "subscription_id is not this app's push subscription");
        }
        Connection c = connection("strava", n.path("owner_id").asText(null));
        if ("athlete".equals(n.path("object_type").asText()) && "false".equals(n.path("updates").path("authorized").asText())) {
            connections.setStatus(c.id(), Connection.REVOKED, "the athlete deauthorized the app at Strava");
            if (onRevoked != null) {
                onRevoked.accept(c, "the athlete deauthorized the app at Strava");
            }
            acknowledge(exchange, "connection revoked");
            return;
        }
        boolean activity = "activity".equals(n.path("object_type").asText())
                           && !"delete".equals(n.path("aspect_type").asText());
        accept(exchange, "strava", c, activity ? List.of("activities") : List.of(), body);
    }

    /** Polar: the PING sent when the webhook is created gets 200; events are signed with the webhook's secret key. */
    private void polar(Exchange exchange, String method, byte[] body) throws Exception {
        if (!"POST".equals(method)) {
            throw new PushVerifier.Refused(405, "notifications are POSTed");
        }
        JsonNode n = json(body);
        if ("PING".equals(n.path("event").asText())) {
            acknowledge(exchange, "PING");
            return;
        }
        PushVerifier.polar(exchange.getIn().getHeader("Polar-Webhook-Signature", String.class), body,
                setting("polar", "webhook.signature-secret"));
        once(exchange, "polar", exchange.getIn().getHeader("Polar-Webhook-Signature", String.class));
        List<String> datasets = switch (n.path("event").asText("")) {
            case "EXERCISE" -> List.of("exercises");
            case "SLEEP" -> List.of("sleep");
            case "CONTINUOUS_HEART_RATE" -> List.of("continuous_heart_rate");
            case "ACTIVITY_SUMMARY" -> List.of("activity");
            case "PHYSICAL_INFORMATION" -> List.of("physical_information");
            default -> List.of();
        };
        accept(exchange, "polar", connection("polar", n.path("user_id").asText(null)), datasets, body);
    }

    /**
     * Garmin: push bodies carry the summaries, ping bodies a callback URL to pull; both are keyed by summary type and
     * name each user. Garmin signs nothing: the push URL must carry this deployment's secret token and the
     * {@code garmin-client-id} header this app's client id; unknown users are skipped. One inbox entry per user and
     * summary type.
     */
    private void garmin(Exchange exchange, String method, byte[] body) throws Exception {
        if (!"POST".equals(method)) {
            throw new PushVerifier.Refused(405, "notifications are POSTed");
        }
        // Garmin signs nothing, and its client id is no secret (the connect redirect shows it): the push URL set in
        // Garmin's Endpoint Configuration Tool carries a secret token of this deployment's, ?token=<secret>
        String token = setting("garmin", "webhook.token");
        if (token.isBlank()) {
            throw new PushVerifier.Refused(401, "Garmin pushes are refused until healthbridge.providers.garmin."
                                                + "webhook.token is set and given in the push URL (?token=)");
        }
        String givenToken = exchange.getIn().getHeader("token", String.class);
        if (givenToken == null || !PushVerifier.equal(token, givenToken)) {
            throw new PushVerifier.Refused(401, "the push URL's token does not match");
        }
        String clientId = providers.settings("garmin").oauth().clientId();
        String given = exchange.getIn().getHeader("garmin-client-id", String.class);
        if (clientId == null || clientId.isBlank() || given == null || !PushVerifier.equal(clientId, given)) {
            throw new PushVerifier.Refused(401, "garmin-client-id is not this app's client id");
        }
        JsonNode n = json(body);
        int stored = 0;
        int unknown = 0;
        for (var it = n.fields(); it.hasNext();) {
            var e = it.next();
            String dataset = io.healthbridge.provider.garmin.GarminApi.datasetOf(e.getKey());
            if (dataset == null || !e.getValue().isArray()) {
                continue;
            }
            Map<String, com.fasterxml.jackson.databind.node.ArrayNode> byUser = new LinkedHashMap<>();
            for (JsonNode item : e.getValue()) {
                byUser.computeIfAbsent(item.path("userId").asText(""), k -> EventJson.MAPPER.createArrayNode()).add(item);
            }
            for (var u : byUser.entrySet()) {
                Optional<Connection> c = connections.findByProviderUser("garmin", u.getKey());
                if (c.isEmpty()) {
                    unknown++;
                    LOG.warn("Garmin notification for unknown user {} skipped", u.getKey());
                    continue;
                }
                var envelope = EventJson.object();
                envelope.set(e.getKey(), u.getValue());
                inbox.add("garmin", c.get().id(), List.of(dataset), EventJson.write(envelope));
                stored++;
            }
        }
        if (stored == 0 && unknown > 0) {
            throw new PushVerifier.Refused(404, "no active connection for the users of this notification");
        }
        meters.counter("healthbridge.push.accepted", "provider", "garmin").increment();
        Json.respond(exchange, 200, Map.of("accepted", stored));
    }

    /** Called when a provider tells that a user revoked access (publishes {@code connection.revoked}). */
    public void setOnRevoked(java.util.function.BiConsumer<Connection, String> onRevoked) {
        this.onRevoked = onRevoked;
    }

    private Connection connection(String provider, String providerUserId) throws PushVerifier.Refused {
        if (providerUserId == null || providerUserId.isBlank()) {
            throw new PushVerifier.Refused(400, "the notification names no user");
        }
        return connections.findByProviderUser(provider, providerUserId)
                .orElseThrow(() -> new PushVerifier.Refused(404, "no active connection for " + provider + " user "
                                                                 + providerUserId));
    }

    private void accept(Exchange exchange, String provider, Connection c, List<String> datasets, byte[] body)
            throws Exception {
        if (datasets.isEmpty()) {
            acknowledge(exchange, "no dataset Healthbridge syncs");
            return;
        }
        String id = inbox.add(provider, c.id(), datasets, new String(body, StandardCharsets.UTF_8));
        meters.counter("healthbridge.push.accepted", "provider", provider).increment();
        Json.respond(exchange, 200, Map.of("accepted", id));
    }

    private static void acknowledge(Exchange exchange, String why) throws Exception {
        Json.respond(exchange, 200, Map.of("ignored", why));
    }

    private static JsonNode json(byte[] body) throws PushVerifier.Refused {
        try {
            return EventJson.read(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new PushVerifier.Refused(400, "the notification is not JSON");
        }
    }

    static Map<String, String> form(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
