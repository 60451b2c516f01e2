package io.healthbridge.auth;

/** The connection's grant is dead: the user must connect again. */
public class ConnectionRevokedException extends RuntimeException {

    public ConnectionRevokedException(String message) {
        super(message);
    }
}
