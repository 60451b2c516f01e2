package io.healthbridge.push;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.store.ErasureGate;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /providers/{provider}/webhook}: hands the request to the provider's {@link PushHandler} (its handshake, its
 * signature check, the datasets a notification asks for), refuses replays, stores accepted notifications in the
 * {@link PushInbox} and acknowledges at once; {@link PushProcessor} fetches afterwards. A bad signature or a stale
 * timestamp answers 401, an unknown user 404, a replay 409; the reason is logged, nothing is stored.
 */
public class PushReceiver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(PushReceiver.class);
    private static final String REPLAY_CLAIM = "Healthbridge.pushSignatureClaim";

    private final ConnectionStore connections;
    private final Map<String, PushHandler> handlers = new LinkedHashMap<>();
    private final PushInbox inbox;
    private final BiFunction<String, String, String> property;
    private final MeterRegistry meters;
    private BiConsumer<Connection, String> onRevoked;
    private ReplayGuard replays;
    private ErasureGate gate = new ErasureGate();

    /** @param property reads {@code healthbridge.providers.<provider>.<key>} with a default */
    public PushReceiver(ConnectionStore connections, List<PushHandler> handlers, PushInbox inbox,
            BiFunction<String, String, String> property, MeterRegistry meters) {
        this.connections = connections;
        handlers.forEach(h -> this.handlers.put(h.provider(), h));
        this.inbox = inbox;
        this.property = property;
        this.meters = meters;
    }

    /** The providers with a push endpoint: the only values a log line or a metric tag may name. */
    public Set<String> providers() {
        return handlers.keySet();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String provider = exchange.getIn().getHeader("provider", String.class);
        byte[] body = exchange.getIn().getBody(byte[].class);
        // the path segment is the caller's text: never echoed, logged or made a metric tag
        PushHandler handler = provider == null ? null : handlers.get(provider);
        try {
            if (handler == null) {
                throw new PushRefused(404, "no push endpoint for this provider");
            }
            try {
                handler.handle(new Request(exchange, provider, body == null ? new byte[0] : body));
            } catch (PushRefused | RuntimeException e) {
                release(exchange); // not stored: the provider's retry must not count as a replay
                throw e;
            }
        } catch (PushRefused r) {
            String known = handler == null ? "unknown" : provider;
            LOG.warn("Push notification to {} refused ({}): {}", known, r.status(), r.getMessage());
            meters.counter("healthbridge.push.refused", "provider", known).increment();
            ApiError.respond(exchange, r.status(), r.status() == 404 ? "RES_001" : r.status() == 409 ? "RES_002"
                    : "AUTH_001", r.getMessage(), Map.of());
        }
    }

    private void release(Exchange exchange) {
        String[] claim = exchange.getProperty(REPLAY_CLAIM, String[].class);
        if (claim != null && replays != null) {
            replays.release(claim[0], claim[1]);
        }
    }

    /** The store's erasure gate: a notification of a person erased while it came in is not stored. */
    public void setErasureGate(ErasureGate gate) {
        this.gate = gate;
    }

    /** Where push signatures are remembered for replay protection; none: no protection. */
    public void setReplayGuard(ReplayGuard replays) {
        this.replays = replays;
    }

    /** Called when a provider tells that a user revoked access (publishes {@code connection.revoked}). */
    public void setOnRevoked(BiConsumer<Connection, String> onRevoked) {
        this.onRevoked = onRevoked;
    }

    /** One request, as its provider's handler sees it. */
    private final class Request implements PushRequest {

        private final Exchange exchange;
        private final String provider;
        private final byte[] body;

        Request(Exchange exchange, String provider, byte[] body) {
            this.exchange = exchange;
            this.provider = provider;
            this.body = body;
        }

        @Override
        public String method() {
            return exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
        }

        @Override
        public String header(String name) {
            return exchange.getIn().getHeader(name, String.class);
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public JsonNode json() throws PushRefused {
            try {
                return EventJson.read(new String(body, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new PushRefused(400, "the notification is not JSON");
            }
        }

        @Override
        public String setting(String key) {
            return property.apply(provider + "." + key, "");
        }

        @Override
        public Connection connection(String providerUserId) throws PushRefused {
            if (providerUserId == null || providerUserId.isBlank()) {
                throw new PushRefused(400, "the notification names no user");
            }
            return findConnection(providerUserId).orElseThrow(() -> new PushRefused(404, "no active connection for "
                    + provider + " user " + providerUserId));
        }

        @Override
        public Optional<Connection> findConnection(String providerUserId) {
            return connections.findByProviderUser(provider, providerUserId);
        }

        @Override
        public void once(String signature) throws PushRefused {
            if (replays == null || signature == null || signature.isBlank()) {
                return;
            }
            if (!replays.claim(provider, signature.trim())) {
                throw new PushRefused(409, "this notification was received already (a replay)");
            }
            exchange.setProperty(REPLAY_CLAIM, new String[] {provider, signature.trim()});
        }

        @Override
        public void accept(Connection c, List<String> datasets, String notification) throws PushRefused {
            if (datasets.isEmpty()) {
                acknowledge("no dataset Healthbridge syncs");
                return;
            }
            String id = store(c, datasets, notification);
            counted();
            respond(200, Map.of("accepted", id));
        }

        @Override
        public void delete(Connection c, Deletion deletion, String notification) throws PushRefused {
            String id = gated(c, () -> inbox.add(provider, c.id(), List.of(), notification, deletion.toJson()));
            counted();
            respond(200, Map.of("accepted", id));
        }

        @Override
        public String store(Connection c, List<String> datasets, String notification) throws PushRefused {
            return gated(c, () -> inbox.add(provider, c.id(), datasets, notification));
        }

        /** Stored unless the connection's user was erased after it was read (their erasure would miss it). */
        private String gated(Connection c, Supplier<String> add) throws PushRefused {
            Optional<String> id = gate.write(c.userId(), c.readAt(), add);
            if (id.isEmpty()) {
                throw new PushRefused(404, "no active connection for this " + provider + " user any more");
            }
            return id.get();
        }

        @Override
        public void acknowledge(String why) {
            respond(200, Map.of("ignored", why));
        }

        @Override
        public void respond(int status, Map<String, ?> answer) {
            try {
                Json.respond(exchange, status, answer);
            } catch (Exception e) {
                throw new IllegalStateException("cannot write the answer", e);
            }
        }

        @Override
        public void revoke(Connection c, String reason) {
            connections.setStatus(c.id(), Connection.REVOKED, reason);
            if (onRevoked != null) {
                onRevoked.accept(c, reason);
            }
        }

        @Override
        public void counted() {
            meters.counter("healthbridge.push.accepted", "provider", provider).increment();
        }
    }
}
