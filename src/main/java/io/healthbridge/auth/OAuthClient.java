package io.healthbridge.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.healthbridge.event.EventJson;

/**
 * OAuth 2.0 token requests. Standard token endpoints go through the Nimbus OAuth 2.0 SDK (request building, client
 * authentication, response and error parsing); Withings' non-standard endpoint ({@code action=requesttoken} in the form,
 * the answer wrapped in {@code {"status", "body"}}) is spoken here.
 */
public class OAuthClient {

    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public OAuthClient(Clock clock) {
        this.clock = clock;
    }

    public TokenSet exchangeCode(OAuthSettings s, String code, URI redirectUri, String codeVerifier) {
        if ("withings".equals(s.style())) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("action", "requesttoken");
            form.put("grant_type", "authorization_code");
            form.put("code", code);
            form.put("redirect_uri", redirectUri.toString());
            return withings(s, form);
        }
        return standard(s, new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri,
                codeVerifier == null ? null : new CodeVerifier(codeVerifier)), null);
    }

    public TokenSet refresh(OAuthSettings s, String refreshToken) {
        if (refreshToken == null) {
            throw new OAuthException("no refresh token stored", true);
        }
        if ("withings".equals(s.style())) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("action", "requesttoken");
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
            return withings(s, form);
        }
        return standard(s, new RefreshTokenGrant(new RefreshToken(refreshToken)), null);
    }

    public TokenSet clientCredentials(OAuthSettings s, String scope) {
        return standard(s, new ClientCredentialsGrant(), scope == null ? null : Scope.parse(scope));
    }

    /** A grant the caller built (e.g. a JWT bearer assertion). */
    public TokenSet grant(OAuthSettings s, AuthorizationGrant grant, String scope) {
        return standard(s, grant, scope == null ? null : Scope.parse(scope));
    }

    private TokenSet standard(OAuthSettings s, AuthorizationGrant grant, Scope scope) {
        // "standard-basic": client credentials in HTTP Basic (Polar requires it); "standard": in the form
        ClientAuthentication auth = s.clientSecret() == null ? null
                : "standard-basic".equals(s.style())
                        ? new ClientSecretBasic(new ClientID(s.clientId()), new Secret(s.clientSecret()))
                        : new ClientSecretPost(new ClientID(s.clientId()), new Secret(s.clientSecret()));
        TokenRequest request = auth != null ? new TokenRequest(s.tokenUrl(), auth, grant, scope)
                : new TokenRequest(s.tokenUrl(), new ClientID(s.clientId()), grant, scope);
        HTTPResponse response;
        try {
            var httpRequest = request.toHTTPRequest();
            httpRequest.setConnectTimeout(10_000);
            httpRequest.setReadTimeout(15_000);
            response = httpRequest.send();
        } catch (IOException e) {
            throw new OAuthException(s.provider() + " token endpoint unreachable: " + e.getMessage(), false);
        }
        if (response.getStatusCode() >= 500) {
            throw new OAuthException(s.provider() + " token endpoint answered " + response.getStatusCode(), false);
        }
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw new OAuthException(s.provider() + " token endpoint answer unreadable: " + e.getMessage(), false);
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = ((TokenErrorResponse) parsed).getErrorObject();
            String code = error == null ? "unknown" : error.getCode();
            // invalid_grant: the refresh token or code is dead (revoked, expired, already used)
            boolean permanent = "invalid_grant".equals(code) || "unauthorized_client".equals(code)
                                || "invalid_client".equals(code);
            throw new OAuthException(s.provider() + " refused the token request: " + code, permanent);
        }
        AccessTokenResponse ok = parsed.toSuccessResponse();
        var tokens = ok.getTokens();
        long lifetime = tokens.getAccessToken().getLifetime();
        Object user = ok.getCustomParameters().get("user_id");
        if (user == null) {
            user = ok.getCustomParameters().get("x_user_id"); // Polar
        }
        if (user == null && ok.getCustomParameters().get("athlete") instanceof Map<?, ?> athlete) {
            user = athlete.get("id"); // Strava names the athlete in the token answer
        }
        return new TokenSet(tokens.getAccessToken().getValue(),
                tokens.getRefreshToken() == null ? null : tokens.getRefreshToken().getValue(),
                lifetime > 0 ? clock.instant().plusSeconds(lifetime) : null,
                tokens.getAccessToken().getScope() == null ? null : tokens.getAccessToken().getScope().toString(),
                user == null ? null : user.toString());
    }

    private TokenSet withings(OAuthSettings s, Map<String, String> form) {
        form.put("client_id", s.clientId());
        form.put("client_secret", s.clientSecret());
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(s.tokenUrl()).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OAuthException("withings token endpoint unreachable: " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException("interrupted", false);
        }
        if (response.statusCode() >= 500) {
            throw new OAuthException("withings token endpoint answered " + response.statusCode(), false);
        }
        JsonNode json;
        try {
            json = EventJson.read(response.body());
        } catch (IllegalArgumentException e) {
            throw new OAuthException("withings token answer is not JSON", false);
        }
        int status = json.path("status").asInt(-1);
        if (status != 0) {
            // 503 "invalid params", 601 too many requests are transient; 100/101/102/200/401 mean the grant is dead
            boolean transientError = status == 601 || status == 2554 || status >= 500 && status < 600 && status != 503;
            throw new OAuthException("withings refused the token request: status " + status, !transientError);
        }
        JsonNode b = json.path("body");
        long expiresIn = b.path("expires_in").asLong(0);
        return new TokenSet(b.path("access_token").asText(null), b.path("refresh_token").asText(null),
                expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : null, b.path("scope").asText(null),
                b.hasNonNull("userid") ? b.get("userid").asText() : null);
    }

    /** Asks the provider to revoke a token (RFC 7009 style form post); false when it refused or is unreachable. */
    public boolean revoke(OAuthSettings s, String token) {
        if (s.revokeUrl() == null || token == null) {
            return false;
        }
        String body = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&client_id="
                      + URLEncoder.encode(s.clientId(), StandardCharsets.UTF_8)
                      + (s.clientSecret() == null ? "" : "&client_secret=" + URLEncoder.encode(s.clientSecret(), StandardCharsets.UTF_8));
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(s.revokeUrl()).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Instant now() {
        return clock.instant();
    }
}
