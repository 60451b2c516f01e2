package io.healthbridge.event;

/** A provider record that cannot be turned into canonical events; the message says why. */
public class MappingException extends RuntimeException {

    public MappingException(String message) {
        super(message);
    }

    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
