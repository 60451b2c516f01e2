package io.healthbridge.security;

/**
 * Outcome of checking a credential (API key or operator access token): the principal and, for operators, the
 * session; or the API error code and message to answer with.
 */
public record AuthCheck(ApiKeys.Principal principal, String sessionId, String code, String message) {

    public static AuthCheck ok(ApiKeys.Principal p, String sessionId) {
        return new AuthCheck(p, sessionId, null, null);
    }

    public static AuthCheck fail(String code, String message) {
        return new AuthCheck(null, null, code, message);
    }

    public boolean ok() {
        return principal != null;
    }
}
