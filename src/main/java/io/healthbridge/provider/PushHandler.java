package io.healthbridge.provider;

/**
 * A provider's push endpoint, {@code /providers/{provider}/webhook}: its verification handshake, its signature check as
 * the provider documents it, and which datasets a notification asks to fetch. The push receiver routes each request to
 * the handler of the path's provider and does the rest (replay refusal, the inbox, the answer's format).
 */
public interface PushHandler {

    /** The path segment and connection provider this handler answers for. */
    String provider();

    /** Handles one request; a refusal is thrown with the status to answer and the reason to log. */
    void handle(PushRequest request) throws PushRefused;
}
