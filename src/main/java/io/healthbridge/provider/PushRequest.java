package io.healthbridge.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.store.Connection;

/** One push request as a {@link PushHandler} sees it, and what the handler may do with it. */
public interface PushRequest {

    /** GET, HEAD or POST. */
    String method();

    /** A header, or a query parameter (platform-http gives both as headers); null when absent. */
    String header(String name);

    byte[] body();

    /** The body as JSON; a body that is not JSON is refused with 400. */
    JsonNode json() throws PushRefused;

    /** {@code healthbridge.providers.<provider>.<key>}, or "" when unset. */
    String setting(String key);

    /** The active connection of the provider's user; 400 when no user is named, 404 when none is connected. */
    Connection connection(String providerUserId) throws PushRefused;

    /** The active connection of the provider's user, if there is one. */
    Optional<Connection> findConnection(String providerUserId);

    /** Refuses (409) a signature already accepted within the freshness window: a replay. */
    void once(String signature) throws PushRefused;

    /**
     * Stores the notification for these datasets of the connection (durably) and answers 200 with its id; refused
     * (404) when the connection's user was erased since it was read.
     */
    void accept(Connection c, List<String> datasets, String body) throws PushRefused;

    /**
     * Stores one notification without answering (one of several in a request); returns its inbox id. Refused (404)
     * when the connection's user was erased since it was read.
     */
    String store(Connection c, List<String> datasets, String body) throws PushRefused;

    /**
     * Stores the provider's deletion of one of the connection's records (durably) and answers 200 with its id; the
     * events made from that record are replaced by tombstones when it is processed. Refused as {@link #store} is.
     */
    void delete(Connection c, Deletion deletion, String body) throws PushRefused;

    /** Answers 200 without storing anything, saying why. */
    void acknowledge(String why);

    /** Answers with this status and JSON body. */
    void respond(int status, Map<String, ?> body);

    /** The user revoked access at the provider: the connection is marked revoked and its revocation announced. */
    void revoke(Connection c, String reason);

    /** Counts an accepted request for the provider's metrics, when the handler answered itself. */
    void counted();
}
