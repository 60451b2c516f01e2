package io.healthbridge.provider;

/** A provider call that failed after its retries, or that retrying cannot fix (a 4xx). */
public class ProviderCallException extends RuntimeException {

    private final int status;

    public ProviderCallException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** HTTP status the provider answered, or 0 when it did not answer. */
    public int getStatus() {
        return status;
    }
}
