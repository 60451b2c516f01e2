package io.healthbridge.provider;

/** The provider's circuit breaker is open: calls are skipped until it half-opens. */
public class CircuitOpenException extends RuntimeException {

    public CircuitOpenException(String provider) {
        super("circuit breaker of " + provider + " is open");
    }
}
