package io.healthbridge.delivery.websocket;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.healthbridge.security.Authenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the credentials of open streams again, every few seconds and off the event loop: a revoked API key, a
 * logged-out or revoked operator session or a deleted operator closes its streams (code {@link #REVOKED}). Each
 * distinct credential is checked once per round. A revocation on another instance of a cluster is seen this way
 * too, through the shared store.
 */
final class CredentialRecheck {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialRecheck.class);

    /** Close code of a stream whose API key was revoked, session ended or operator deleted. */
    static final short REVOKED = 4001;

    private final Authenticator auth;
    private final MeterRegistry meters;
    private final Supplier<Collection<WebSocketClient>> clients;

    CredentialRecheck(Authenticator auth, MeterRegistry meters, Supplier<Collection<WebSocketClient>> clients) {
        this.auth = auth;
        this.meters = meters;
        this.clients = clients;
    }

    void schedule(Vertx vertx, long everyMillis) {
        vertx.setPeriodic(Math.max(50, everyMillis), id -> vertx.executeBlocking(() -> {
            run();
            return null;
        }, false));
    }

    void run() {
        Map<String, Boolean> valid = new HashMap<>();
        for (WebSocketClient c : clients.get()) {
            String credential = c.credential;
            if (credential == null || c.ws.isClosed()) {
                continue;
            }
            boolean ok = valid.computeIfAbsent(credential, k -> {
                try {
                    return auth.stillValid(k);
                } catch (RuntimeException e) {
                    return true; // the store did not answer: keep the stream, check again next round
                }
            });
            if (!ok) {
                c.dropped = true;
                meters.counter("healthbridge.websocket.revoked.closed").increment();
                LOG.info("WebSocket client {} closed: its credential was revoked", c.ws.remoteAddress());
                c.ws.close(REVOKED, "credentials revoked or session ended");
            }
        }
    }
}
