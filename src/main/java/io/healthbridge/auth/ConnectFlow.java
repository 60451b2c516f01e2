package io.healthbridge.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth 2.0 authorization-code flow that links a user to a provider: {@link #start} makes the authorize URL
 * (single-use {@code state}, PKCE S256 where the provider supports it), {@link #complete} checks the state, exchanges
 * the code, stores the encrypted tokens and publishes {@code connection.created}.
 */
public class ConnectFlow {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectFlow.class);
    /** How long a started authorization may wait for its callback. */
    static final Duration STATE_TTL = Duration.ofMinutes(15);
    private volatile Instant nextPurge = Instant.EPOCH;

    private final ConnectionStore store;
    private final OAuthClient oauth;
    private final ConnectionEvents events;
    private final Function<String, OAuthSettings> settings;
    private final String publicUrl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ConnectFlow(ConnectionStore store, OAuthClient oauth, ConnectionEvents events,
            Function<String, OAuthSettings> settings, String publicUrl, Clock clock) {
        this.store = store;
        this.oauth = oauth;
        this.events = events;
        this.settings = settings;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clock = clock;
    }

    private final Map<String, Consumer<Connection>> afterConnect =
            new ConcurrentHashMap<>();

    /** A provider step right after the tokens are stored (Polar: register the user before data is visible). */
    public void afterConnect(String provider, Consumer<Connection> step) {
        afterConnect.put(provider, step);
    }

    public URI redirectUri(String provider) {
        return URI.create(publicUrl + "/connect/" + provider + "/callback");
    }

    /** The provider's authorize URL for {@code userId}; the pending authorization is stored under its state. */
    public URI start(String provider, String userId) {
        OAuthSettings s = settings.apply(provider);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        CodeVerifier verifier = s.pkce() ? new CodeVerifier() : null;
        URI redirect = redirectUri(provider);
        Instant now = clock.instant();
        if (now.isAfter(nextPurge)) {
            nextPurge = now.plusSeconds(60);
            store.purgeStates(now.minus(STATE_TTL)); // abandoned flows: their states can never complete
        }
        store.saveState(state, provider, userId, verifier == null ? null : verifier.getValue(), redirect.toString(),
                clock.instant());
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", s.clientId());
        q.put("redirect_uri", redirect.toString());
        q.put("scope", String.join(s.scopeSeparator(), s.scopes()));
        q.put("state", state);
        q.put("login_hint", userId);
        if (verifier != null) {
            q.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
            q.put("code_challenge_method", "S256");
        }
        for (String extra : s.extraAuthorizeParams()) {
            int eq = extra.indexOf('=');
            q.put(extra.substring(0, eq), extra.substring(eq + 1));
        }
        String query = q.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return URI.create(s.authorizeUrl() + (s.authorizeUrl().toString().contains("?") ? "&" : "?") + query);
    }

    /**
     * Completes an authorization from the provider's callback.
     *
     * @throws IllegalArgumentException for an unknown, used, expired or foreign state (the caller answers 400)
     */
    public Connection complete(String provider, String code, String state, String zone) {
        ConnectionStore.PendingAuthorization pending = store.takeState(state == null ? "" : state)
                .orElseThrow(() -> new IllegalArgumentException("unknown or already used state"));
        if (!pending.provider().equals(provider)) {
            throw new IllegalArgumentException("state belongs to another provider");
        }
        if (pending.createdAt().plus(STATE_TTL).isBefore(clock.instant())) {
            throw new IllegalArgumentException("authorization expired; start again");
        }
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("no authorization code");
        }
        TokenSet tokens = oauth.exchangeCode(settings.apply(provider), code, URI.create(pending.redirectUri()),
                pending.codeVerifier());
        Connection c = store.upsert(pending.userId(), provider, tokens.providerUserId(), tokens.accessToken(),
                tokens.refreshToken(), tokens.expiresAt(), tokens.scope(), zone);
        var hook = afterConnect.get(provider);
        if (hook != null) {
            hook.accept(c);
        }
        LOG.info("Connection {} created: user {} linked {}", c.id(), c.userId(), provider);
        events.created(c);
        return c;
    }

    /** Revokes at the provider where it can, marks the connection revoked and publishes {@code connection.revoked}. */
    public boolean revoke(Connection c) {
        boolean atProvider = revokeAtProvider(c);
        store.setStatus(c.id(), Connection.REVOKED, "revoked through the API");
        events.revoked(c, "revoked through the API");
        return atProvider;
    }

    /** Revokes the connection's grant at its provider where the provider offers it; false when it could not. */
    public boolean revokeAtProvider(Connection c) {
        try {
            return oauth.revoke(settings.apply(c.provider()), c.refreshToken() != null ? c.refreshToken()
                    : c.accessToken());
        } catch (RuntimeException e) {
            LOG.warn("Revoking connection {} at {} failed: {}", c.id(), c.provider(), e.getMessage());
            return false;
        }
    }
}
