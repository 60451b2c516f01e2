package io.healthbridge.delivery.webhook;

/** Told of every delivery attempt's outcome: the endpoint, whether it was delivered (2xx) and how long it took. */
@FunctionalInterface
public interface AttemptListener {

    void attempted(String endpointId, boolean delivered, long millis);
}
