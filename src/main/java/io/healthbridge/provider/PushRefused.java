package io.healthbridge.provider;

/** A push notification that must not be processed: the status to answer and the reason to log. */
public final class PushRefused extends Exception {

    private final int status;

    public PushRefused(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
