package io.healthbridge.security;

/**
 * One check for every credential the API and the WebSocket accept: an operator's access token (a JWT from
 * {@code POST /api/v1/auth/login}) or an API key.
 */
public class Authenticator {

    private final ApiKeys keys;
    private final OperatorSessions sessions;

    public Authenticator(ApiKeys keys, OperatorSessions sessions) {
        this.keys = keys;
        this.sessions = sessions;
    }

    public AuthCheck check(String credential) {
        if (credential == null || credential.isBlank()) {
            return AuthCheck.fail("AUTH_001",
                    "credentials required: Authorization: Bearer <access token or API key>, or X-API-Key: <key>");
        }
        if (OperatorSessions.looksLikeJwt(credential)) {
            return sessions.verify(credential);
        }
        return keys.authenticate(credential).map(p -> AuthCheck.ok(p, null))
                .orElseGet(() -> AuthCheck.fail("AUTH_001", "invalid API key"));
    }

    /**
     * Whether a credential accepted earlier still stands: the API key is not revoked; the operator's session is not
     * ended and the operator not deleted (an access token past its short lifetime still counts while its session
     * does, as the holder can refresh it).
     */
    public boolean stillValid(String credential) {
        if (credential == null || credential.isBlank()) {
            return false;
        }
        if (OperatorSessions.looksLikeJwt(credential)) {
            return sessions.stillActive(credential);
        }
        return keys.authenticate(credential).isPresent();
    }
}
