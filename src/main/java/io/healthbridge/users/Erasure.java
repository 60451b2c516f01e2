package io.healthbridge.users;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.delivery.webhook.WebhookEndpoint;
import io.healthbridge.delivery.webhook.WebhookEndpoints;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.UserData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases everything held about one end user (GDPR Art. 17): each connection's grant revoked at its provider, every row
 * that holds the user's data or identifiers deleted in one transaction, webhook filters that named the user changed so
 * they no longer do, and one {@code healthbridge.user.erased} event (no health data) so that the systems Healthbridge
 * delivered to can erase their copies.
 */
public class Erasure {

    private static final Logger LOG = LoggerFactory.getLogger(Erasure.class);
    /** What a webhook filter that named only the erased user becomes: it matches nobody, never everybody. */
    static final String NOBODY = "-erased-";

    /** What the erasure did, answered to the caller. */
    public record Receipt(String userId, Instant erasedAt, Map<String, Long> rows, List<Map<String, Object>> connections,
            int webhookFiltersChanged, String eventId) {
    }

    private final UserData users;
    private final ConnectionStore connections;
    private final ConnectFlow connectFlow;
    private final WebhookEndpoints endpoints;
    private final Clock clock;
    private final ErasureGate gate;
    private Consumer<CanonicalEvent> announcer = e -> { };
    private Function<String, Runnable> pause = user -> () -> { };

    public Erasure(UserData users, ConnectionStore connections, ConnectFlow connectFlow, WebhookEndpoints endpoints,
            ErasureGate gate, Clock clock) {
        this.users = users;
        this.gate = gate;
        this.connections = connections;
        this.connectFlow = connectFlow;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /** Where {@code healthbridge.user.erased} goes ({@code direct:publish}); set once the context runs. */
    public void setAnnouncer(Consumer<CanonicalEvent> announcer) {
        this.announcer = announcer;
    }

    /**
     * What stops work on the user's data that is under way (an import) before the rows go, and lets it go on after:
     * given the user, it returns once nothing of theirs is in flight, with what to run when the erasure is done.
     */
    public void setPause(Function<String, Runnable> pause) {
        this.pause = pause;
    }

    /** A digest that names the user in the audit log without holding the id. */
    public static String pseudonym(String userId) {
        return "sha256:" + EventJson.sha256(userId).substring(0, 16);
    }

    /** Erases the user; empty when nothing is held about them. */
    public Optional<Receipt> erase(String userId) {
        List<Connection> held = connections.list(null, userId);
        if (held.isEmpty() && users.typesHeld(userId).isEmpty() && !users.hasDeviceTokens(userId)) {
            return Optional.empty();
        }
        // nothing of theirs in flight while the rows go: a chunk stored after the delete would outlive the erasure
        Runnable resume = pause.apply(userId);
        try {
            return Optional.of(erase(userId, held));
        } finally {
            resume.run();
        }
    }

    private Receipt erase(String userId, List<Connection> held) {
        List<Map<String, Object>> revoked = new ArrayList<>();
        for (Connection c : held) {
            // no more polls start for it while the rows go
            connections.setStatus(c.id(), Connection.REVOKED, "user erased");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("provider", c.provider());
            r.put("revoked_at_provider", Connection.ACTIVE.equals(c.status()) && connectFlow.revokeAtProvider(c));
            revoked.add(r);
        }
        Instant at = clock.instant();
        // a poll, backfill, push or request of theirs that began before now stores nothing after the delete
        gate.erasing(userId);
        Map<String, Long> rows;
        try {
            rows = users.erase(userId, pseudonym(userId));
        } catch (RuntimeException e) {
            gate.reopen(userId);
            throw e;
        }
        gate.erased(userId);
        int filters = unname(userId);
        CanonicalEvent erased = erasedEvent(userId, rows, at);
        try {
            announcer.accept(erased);
        } catch (RuntimeException e) {
            LOG.error("User {} erased, but its healthbridge.user.erased event was not published: {}", pseudonym(userId),
                    e.getMessage());
        }
        LOG.info("User {} erased: {}", pseudonym(userId), rows);
        return new Receipt(userId, at, rows, revoked, filters, erased.id());
    }

    /** Takes the user out of every webhook endpoint's user filter; a filter left empty matches nobody. */
    private int unname(String userId) {
        int changed = 0;
        for (WebhookEndpoint e : endpoints.list()) {
            if (e.userIds() == null || !e.userIds().contains(userId)) {
                continue;
            }
            List<String> rest = new ArrayList<>(e.userIds());
            rest.removeIf(userId::equals);
            boolean none = rest.isEmpty();
            endpoints.save(new WebhookEndpoint(e.id(), e.url(), e.description(), e.eventTypes(),
                    none ? List.of(NOBODY) : rest, e.format(), e.enabled() && !none, e.secret(), e.previousSecret(),
                    e.previousSecretUntil(), none ? "its only user was erased" : e.disabledReason(), e.failingSince(),
                    e.createdAt(), e.updatedAt()));
            changed++;
        }
        return changed;
    }

    private CanonicalEvent erasedEvent(String userId, Map<String, Long> rows, Instant at) {
        ObjectNode counts = EventJson.object();
        rows.forEach(counts::put);
        MappingContext ctx = new MappingContext("healthbridge", userId, null, at, null);
        return EventBuilder.of(DataType.USER_ERASED, ctx).sourceRecordId("user").at(at.atOffset(ZoneOffset.UTC))
                .put("erased_at", at.toString()).put("rows", counts).build();
    }
}
