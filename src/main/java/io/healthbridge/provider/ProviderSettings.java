package io.healthbridge.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

import io.healthbridge.auth.OAuthSettings;

/**
 * A provider's effective settings: its {@link ProviderDefaults} overridden by {@code healthbridge.providers.<id>.*}.
 * With the simulator on, a provider whose {@code base-url} is not set points at the simulator; setting
 * {@code base-url} (and the client credentials) points it at the real API.
 *
 * @param pollInterval  least time between two polls (the route file's timer is how often a poll is considered); null:
 *                      every tick of the route's timer polls
 * @param pollEnabled   false pauses this provider's polling
 */
public record ProviderSettings(String provider, String baseUrl, OAuthSettings oauth, String appQuota,
        String userQuota, int breakerMinimumCalls, float breakerFailureRate, Duration breakerOpenFor, int maxAttempts,
        Duration initialBackoff, Duration maxBackoff, Duration timeout, Duration quotaMaxWait, Duration initialLookback,
        boolean simulated, Duration pollInterval, boolean pollEnabled) {

    /**
     * @param property reads {@code healthbridge.providers.<id>.<key>}, or the given default
     * @param simulatorBase base URL of the simulator for this provider, or null when the simulator is off
     */
    public static ProviderSettings resolve(ProviderApi api, BiFunction<String, String, String> property,
            String simulatorBase) {
        ProviderDefaults d = api.defaults();
        String explicitBase = property.apply("base-url", "");
        boolean simulated = explicitBase.isBlank() && simulatorBase != null;
        String base = simulated ? simulatorBase : explicitBase.isBlank() ? d.baseUrl() : explicitBase;
        String authorize = property.apply("authorize-url",
                simulated ? simulatorBase + "/oauth/authorize" : d.authorizeUrl());
        String token = property.apply("token-url", simulated
                ? simulatorBase + ("withings".equals(d.oauthStyle()) ? "/v2/oauth2" : "/oauth/token") : d.tokenUrl());
        String revoke = property.apply("revoke-url", simulated ? simulatorBase + "/oauth/revoke"
                : d.revokeUrl() == null ? "" : d.revokeUrl());
        String clientId = property.apply("client-id", simulated ? "healthbridge-sim-client" : "");
        String secret = property.apply("client-secret", simulated ? "healthbridge-sim-secret" : "");
        List<String> scopes = Arrays.stream(property.apply("scopes", String.join(" ", d.scopes())).split("[ ,]+"))
                .filter(s -> !s.isBlank()).toList();
        OAuthSettings oauth = new OAuthSettings(api.provider(), URI.create(authorize), URI.create(token),
                revoke.isBlank() ? null : URI.create(revoke), clientId, secret.isBlank() ? null : secret, scopes,
                d.pkce(), d.oauthStyle(), d.scopeSeparator(), d.extraAuthorizeParams());
        return new ProviderSettings(api.provider(), base, oauth,
                property.apply("app-quota", d.appQuota()), property.apply("user-quota", d.userQuota()),
                Integer.parseInt(property.apply("breaker.minimum-calls", "4")),
                Float.parseFloat(property.apply("breaker.failure-rate", "50")),
                Duration.ofMillis(Long.parseLong(property.apply("breaker.open-ms", "30000"))),
                Integer.parseInt(property.apply("retry.max-attempts", "4")),
                Duration.ofMillis(Long.parseLong(property.apply("retry.initial-backoff-ms", "500"))),
                Duration.ofMillis(Long.parseLong(property.apply("retry.max-backoff-ms", "30000"))),
                Duration.ofMillis(Long.parseLong(property.apply("timeout-ms", "15000"))),
                Duration.ofMillis(Long.parseLong(property.apply("quota.max-wait-ms", "10000"))),
                Duration.ofDays(Long.parseLong(property.apply("initial-lookback-days", "3"))),
                simulated, property.apply("poll.interval-ms", "").isBlank() ? null
                        : Duration.ofMillis(Long.parseLong(property.apply("poll.interval-ms", ""))),
                Boolean.parseBoolean(property.apply("poll.enabled", "true")));
    }

    @Override
    public String toString() {
        return "ProviderSettings[" + provider + " " + baseUrl + (simulated ? " (simulator)" : "") + "]";
    }
}
