package io.healthbridge.store;

/** The store could not do what was asked; the message says what, the cause why. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
