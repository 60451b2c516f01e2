package io.healthbridge.provider;

import java.util.List;

/**
 * A provider's live endpoints and defaults.
 *
 * @param oauthStyle            {@code standard} or {@code withings}
 * @param extraAuthorizeParams  fixed authorize parameters, {@code name=value} (Google: access_type=offline)
 */
public record ProviderDefaults(String baseUrl, String authorizeUrl, String tokenUrl, String revokeUrl, List<String> scopes,
        String scopeSeparator, boolean pkce, String oauthStyle, String appQuota, String userQuota,
        List<String> extraAuthorizeParams) {
}
