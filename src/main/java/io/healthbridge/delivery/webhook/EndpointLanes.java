package io.healthbridge.delivery.webhook;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane per endpoint: a queue of claimed deliveries and {@code maxConcurrency} sending slots. A finished delivery
 * starts the next one from the queue at once; a queue that runs low asks the dispatcher for more ({@code wantMore}).
 */
class EndpointLanes {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointLanes.class);

    /** Claimed deliveries queued per sending slot of a fast endpoint, at most: bounds the memory the queues take. */
    static final int MAX_QUEUED_PER_SLOT = 64;

    private final WebhookStore store;
    private final WebhookSender sender;
    private final EndpointHealth health;
    private final WebhookDispatcher.Settings settings;
    private final Clock clock;
    private final ExecutorService executor;
    private final BooleanSupplier active;
    private final Consumer<String> wantMore;
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Queue<WebhookDelivery>> claimedQueues = new ConcurrentHashMap<>();
    /** Endpoints whose last read of due deliveries came back short (see {@link #topUpAndSend}). */
    private final Set<String> drained = ConcurrentHashMap.newKeySet();

    EndpointLanes(WebhookStore store, WebhookSender sender, EndpointHealth health, WebhookDispatcher.Settings settings,
            Clock clock, ExecutorService executor, BooleanSupplier active, Consumer<String> wantMore) {
        this.store = store;
        this.sender = sender;
        this.health = health;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.active = active;
        this.wantMore = wantMore;
    }

    /** Whether the endpoint can send now: delivery active and its breaker not open. */
    boolean sending(String endpointId) {
        return active.getAsBoolean() && health.breaker(endpointId).getState() != CircuitBreaker.State.OPEN;
    }

    /** Free places in the endpoint's queue of claimed deliveries. */
    int room(String endpointId) {
        return Math.max(0, prefetch(endpointId) - queue(endpointId).size());
    }

    /** The endpoint may have due deliveries again (a pending one stored or made due by this process). */
    void mayHaveDue(String endpointId) {
        drained.remove(endpointId);
    }

    /** Hands every queued (claimed, unsent) delivery back as pending now: the dispatcher stops. */
    void handBack() {
        claimedQueues.values().forEach(q -> {
            WebhookDelivery d;
            while ((d = q.poll()) != null) {
                store.postpone(d, clock.instant());
            }
        });
    }

    /**
     * Tops up the endpoint's queue of claimed deliveries (twice its concurrency, claimed in one transaction) and starts
     * as many as it has free slots. A finished delivery starts the next one from the queue at once, without a round
     * through the store; the queue is refilled when it runs low. Claims are leased for twice the timeout, more than a
     * queued delivery waits, and a queue that cannot be sent (breaker open, endpoint disabled, maintenance, stop)
     * goes back to pending.
     */
    void topUpAndSend(WebhookEndpoint ep, boolean poll) {
        if (health.breaker(ep.id()).getState() == CircuitBreaker.State.OPEN) {
            return; // due again once the breaker half-opens; one dead endpoint never slows the others
        }
        Queue<WebhookDelivery> queue = queue(ep.id());
        int want = prefetch(ep.id()) - queue.size();
        // between polls, an endpoint whose last read found fewer due than asked is not asked again until this process
        // stores a pending delivery for it: a refill after every send would otherwise read the store for nothing
        if (want > 0 && (poll || !drained.contains(ep.id()))) {
            List<WebhookDelivery> due = store.due(ep.id(), want);
            if (due.size() < want) {
                drained.add(ep.id());
            } else {
                drained.remove(ep.id());
            }
            if (!due.isEmpty()) {
                boolean[] claimed = store.claim(due.stream().map(WebhookDelivery::id).toList(),
                        clock.instant().plus(settings.timeout().multipliedBy(2)));
                for (int i = 0; i < due.size(); i++) {
                    if (claimed[i]) {
                        queue.add(due.get(i));
                    }
                }
            }
        }
        startSends(ep.id());
    }

    /**
     * How many claimed deliveries an endpoint's queue holds: its concurrency, plus as many per slot as it answers within
     * a quarter of the claim lease at its recent latency (at most {@value #MAX_QUEUED_PER_SLOT}). A fast endpoint gets
     * a deep queue and few trips to the store (each claim one commit); a slow one a shallow queue, so nothing waits in
     * it long enough for its lease to run out.
     */
    int prefetch(String endpointId) {
        long quarterLease = settings.timeout().toMillis() / 2;
        double ms = sender.latency(endpointId, quarterLease); // not yet known: a shallow queue
        int perSlot = (int) Math.max(1, Math.min(MAX_QUEUED_PER_SLOT, quarterLease / Math.max(1.0, ms)));
        return settings.maxConcurrency() * (1 + perSlot);
    }

    Queue<WebhookDelivery> queue(String endpointId) {
        return claimedQueues.computeIfAbsent(endpointId, k -> new ConcurrentLinkedQueue<>());
    }

    /** Starts queued deliveries while the endpoint has free slots; hands the queue back when it cannot send. */
    void startSends(String endpointId) {
        Queue<WebhookDelivery> queue = queue(endpointId);
        Optional<WebhookEndpoint> ep = store.endpoints().endpoint(endpointId).filter(WebhookEndpoint::enabled);
        if (ep.isEmpty() || !active.getAsBoolean() || health.breaker(endpointId).getState() == CircuitBreaker.State.OPEN) {
            WebhookDelivery back;
            while ((back = queue.poll()) != null) {
                store.postpone(back, clock.instant());
                drained.remove(endpointId);
            }
            return;
        }
        Semaphore slots = inFlight.computeIfAbsent(endpointId, k -> new Semaphore(settings.maxConcurrency()));
        while (!queue.isEmpty() && slots.tryAcquire()) {
            WebhookDelivery d = queue.poll();
            if (d == null) {
                slots.release();
                break;
            }
            executor.execute(() -> {
                CompletableFuture<Void> sent;
                try {
                    sent = sender.attempt(ep.get(), d);
                } catch (RuntimeException e) {
                    sent = CompletableFuture.failedFuture(e);
                }
                sent.whenComplete((v, e) -> {
                    slots.release();
                    if (e != null) {
                        LOG.error("Webhook delivery {} failed unexpectedly: {}", d.id(), e.toString());
                        store.postpone(d, clock.instant().plusSeconds(30));
                        drained.remove(endpointId);
                    }
                    try {
                        startSends(endpointId);
                    } finally {
                        if (queue.size() < prefetch(endpointId) / 2) {
                            wantMore.accept(endpointId);
                        }
                    }
                });
            });
        }
    }

}
