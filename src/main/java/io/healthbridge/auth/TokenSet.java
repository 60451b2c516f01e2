package io.healthbridge.auth;

import java.time.Instant;

/** Tokens from a token endpoint; {@link #toString()} never shows them. */
public record TokenSet(String accessToken, String refreshToken, Instant expiresAt, String scope, String providerUserId) {

    @Override
    public String toString() {
        return "TokenSet[expiresAt=" + expiresAt + ", scope=" + scope + ", refresh=" + (refreshToken != null) + "]";
    }
}
