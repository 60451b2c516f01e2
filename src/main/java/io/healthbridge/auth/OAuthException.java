package io.healthbridge.auth;

/** A token request failed; {@link #isPermanent()} when the grant is dead (revoked, expired) rather than unreachable. */
public class OAuthException extends RuntimeException {

    private final boolean permanent;

    public OAuthException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public boolean isPermanent() {
        return permanent;
    }
}
