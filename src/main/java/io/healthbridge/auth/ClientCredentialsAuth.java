package io.healthbridge.auth;

import java.net.URI;
import java.time.Clock;
import java.util.List;

/** OAuth 2.0 client credentials: an app token from the token endpoint, cached until shortly before it expires. */
public class ClientCredentialsAuth extends CachedTokenAuth {

    private String tokenUrl;
    private String clientId;
    private String clientSecret;
    private String scope;

    @Override
    protected TokenSet fetch() {
        if (tokenUrl == null || clientId == null) {
            throw new IllegalStateException("ClientCredentialsAuth needs tokenUrl and clientId");
        }
        OAuthSettings s = new OAuthSettings("client-credentials", null, URI.create(tokenUrl), null, clientId,
                clientSecret, List.of(), false, "standard", " ", List.of());
        return new OAuthClient(Clock.systemUTC()).clientCredentials(s, scope);
    }

    public void setTokenUrl(String tokenUrl) {
        this.tokenUrl = tokenUrl;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    @Override
    public String toString() {
        return "ClientCredentialsAuth[" + clientId + " " + tokenUrl + "]";
    }
}
