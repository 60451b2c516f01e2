package io.healthbridge.quota;

import java.time.Duration;

/** No request may be made now without exceeding a quota; {@link #getWait()} says how long until one may. */
public class QuotaExhaustedException extends RuntimeException {

    private final transient Duration wait;

    public QuotaExhaustedException(String message, Duration wait) {
        super(message);
        this.wait = wait;
    }

    public Duration getWait() {
        return wait;
    }
}
