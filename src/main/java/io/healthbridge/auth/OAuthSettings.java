package io.healthbridge.auth;

import java.net.URI;
import java.util.List;

/**
 * One provider app's OAuth 2.0 client settings. {@code clientSecret} is a secret: {@link #toString()} hides it.
 *
 * @param style {@code standard} (RFC 6749 token endpoint) or {@code withings} (action=requesttoken, wrapped answer)
 */
public record OAuthSettings(String provider, URI authorizeUrl, URI tokenUrl, URI revokeUrl, String clientId,
        String clientSecret, List<String> scopes, boolean pkce, String style, String scopeSeparator,
        List<String> extraAuthorizeParams) {

    @Override
    public String toString() {
        return "OAuthSettings[" + provider + " client=" + clientId + " token=" + tokenUrl + "]";
    }
}
