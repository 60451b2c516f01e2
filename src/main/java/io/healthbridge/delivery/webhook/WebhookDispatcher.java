package io.healthbridge.delivery.webhook;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable webhook delivery, driven by the {@code webhook-dispatch} route: {@link #fanOut()} turns every event stored
 * in the outbox into one delivery per matching endpoint; {@link #dispatchDue()} sends the due ones, each on its own
 * claim, with a concurrency bound and a circuit breaker per endpoint, and keeps every attempt and the next one in the
 * store, so a restart resumes where it stopped (at least once).
 */
public class WebhookDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final String CURSOR = "webhook-fanout";
    /** Events fanned out per round: a backlog goes in several short rounds, so sending is never held up for long. */
    static final int FAN_OUT_BATCH = 100;
    /**
     * The fan-out's cursor is saved at most this often: saved every round, it was a commit per published event when
     * events come one at a time. A crash reads up to this much again; the fan-out is idempotent, so nothing is sent twice.
     */
    static final Duration CURSOR_SAVE_EVERY = Duration.ofSeconds(1);
    /** Claimed deliveries queued per sending slot of a fast endpoint, at most: bounds the memory the queues take. */
    static final int MAX_QUEUED_PER_SLOT = 64;
    /**
     * How long successes gather before they are written together. Each commit of the embedded store rewrites the pages
     * it touched, so a few hundred rows per commit cost little more than one; the price is that a process killed in
     * this window sends those deliveries again (at least once, as on any crash before the write).
     */
    static final long RECORD_LINGER_MS = 50;

    /** Tunables, from {@code healthbridge.webhooks.*}. */
    public record Settings(List<Duration> retrySchedule, Duration timeout, Duration disableAfter, int maxConcurrency,
            Duration secretOverlap, Duration breakerOpenFor) {
    }

    private final WebhookStore store;
    private final EventStore events;
    private final TargetPolicy targets;
    private final Settings settings;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ExecutorService executor;
    private final HttpClient http;
    private final RetryPolicy retries;
    private final DeliveryRecorder recorder;
    private final WebhookRequests requests;
    private final EndpointHealth health;
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    private volatile java.util.function.BooleanSupplier active = () -> true;
    /** The outbox read by the fan-out (embedded bus); unused when the Kafka bus feeds {@link #fanOutConsumed}. */
    private final OutboxReader outbox;
    private volatile boolean readsOutbox = true;
    private final java.util.concurrent.atomic.AtomicBoolean kickQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean fanOutWanted = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean dueWanted = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.Set<String> endpointsWanted = ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.Queue<WebhookDelivery>> claimedQueues = new ConcurrentHashMap<>();
    /** Recent answer time per endpoint, milliseconds (moving average). */
    private final Map<String, Double> latency = new ConcurrentHashMap<>();
    /**
     * The last fan-out left events in the outbox because every endpoint's queue was full: the next one runs when a
     * queue drains (or at the next poll), so a backlog becomes deliveries as fast as they can be sent, each stored
     * already claimed, instead of piling up as pending rows to be read and claimed again.
     */
    private volatile boolean outboxBehind;
    /** Endpoints whose last read of due deliveries came back short (see {@link #dispatchDue(WebhookEndpoint, boolean)}). */
    private final java.util.Set<String> drained = ConcurrentHashMap.newKeySet();
    private final ExecutorService kicker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "webhook-dispatch");
        t.setDaemon(true);
        return t;
    });

    public WebhookDispatcher(WebhookStore store, EventStore events, TargetPolicy targets, Settings settings,
            MeterRegistry meters, Clock clock, ExecutorService executor) {
        this.store = store;
        this.events = events;
        this.targets = targets;
        this.settings = settings;
        this.meters = meters;
        this.clock = clock;
        this.executor = executor;
        this.outbox = new OutboxReader(events, () -> store.cursor(CURSOR), seq -> store.saveCursor(CURSOR, seq),
                FAN_OUT_BATCH, clock, CURSOR_SAVE_EVERY);
        this.retries = new RetryPolicy(settings.retrySchedule(), () -> ThreadLocalRandom.current().nextDouble());
        this.recorder = new DeliveryRecorder(store, RECORD_LINGER_MS);
        this.requests = new WebhookRequests(events, settings.timeout());
        this.health = new EndpointHealth(store, settings, meters, clock);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Settings settings() {
        return settings;
    }

    /** One round: fan out new events, release dead claims, send what is due. Called by the route's timer. */
    public void run() {
        store.releaseExpiredClaims();
        if (store.anyDisabled()) {
            store.abandonPendingOfDisabled();
        }
        // the rounds themselves run on the dispatcher's thread, one at a time, never two threads on one lock
        dueWanted.set(true);
        kick();
    }

    /**
     * Asks for a round soon, on the dispatcher's own thread: a fan-out and a dispatch to every endpoint when an event
     * is published; a dispatch to one endpoint when one of its deliveries finishes and frees a slot. Asks that come
     * while one is queued make one round, so a busy dispatcher runs rounds back to back instead of one per poll
     * interval. The timer route stays the safety net.
     */
    public void kick() {
        fanOutWanted.set(true);
        schedule();
    }

    private void kick(String endpointId) {
        endpointsWanted.add(endpointId);
        if (outboxBehind) {
            fanOutWanted.set(true);
        }
        schedule();
    }

    private void schedule() {
        if (active.getAsBoolean() && kickQueued.compareAndSet(false, true)) {
            execute(() -> {
                kickQueued.set(false);
                try {
                    synchronized (this) {
                        if (fanOutWanted.getAndSet(false)) {
                            fanOut();
                        }
                        if (dueWanted.getAndSet(false)) {
                            endpointsWanted.clear();
                            dispatchDue();
                        }
                        {
                            for (String id : List.copyOf(endpointsWanted)) {
                                endpointsWanted.remove(id);
                                store.endpoint(id).filter(WebhookEndpoint::enabled).ifPresent(ep -> dispatchDue(ep, false));
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Webhook dispatch round failed (the next poll retries): {}", e.toString());
                }
            });
        }
    }

    private void execute(Runnable round) {
        try {
            kicker.execute(round);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            kickQueued.set(false); // stopping
        }
    }

    /** Stops kicked rounds (the runtime is stopping); the timer route has stopped already. */
    public void close() {
        active = () -> false;
        kicker.shutdownNow();
        recorder.close();
        try {
            outbox.flush();
        } catch (RuntimeException e) {
            LOG.debug("Webhook fan-out cursor not saved on stop (read again on start): {}", e.toString());
        }
        // claimed but not sent: pending again now, not after their lease runs out
        try {
            claimedQueues.values().forEach(q -> {
                WebhookDelivery d;
                while ((d = q.poll()) != null) {
                    store.postpone(d.id(), clock.instant());
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("Queued webhook deliveries not handed back on stop: {}", e.toString());
        }
    }

    /** Rounds are only kicked while this says so (maintenance mode pauses delivery). */
    public void setActive(java.util.function.BooleanSupplier active) {
        this.active = active;
    }

    /**
     * On the very first start of a store, the fan-out begins after the newest event already stored: endpoints get what
     * is published from then on, older events through replay. Called before any route runs.
     */
    public void initCursor() {
        outbox.init();
    }

    /**
     * The Kafka bus feeds this dispatcher instead ({@link #fanOutConsumed}): it stops reading the outbox itself, which
     * the relay now reads and sends to the topic.
     */
    public void setFedByBus() {
        readsOutbox = false;
    }

    /**
     * New outbox events become deliveries ({@link OutboxReader}: the durable cursor moves only past events whose
     * deliveries are stored, sequence holes are waited for). Fanning out is idempotent (one delivery per endpoint and
     * event), so reading again after a restart from the durable cursor loses nothing and sends nothing twice.
     */
    public synchronized int fanOut() {
        if (!readsOutbox) {
            return 0;
        }
        List<WebhookEndpoint> endpoints = store.enabled();
        if (endpoints.isEmpty()) {
            // nobody to deliver to: what is published now is not owed to an endpoint created later (replay is)
            outbox.skipToLatest();
            return 0;
        }
        int take = eventsToTake(endpoints);
        if (take == 0) {
            outboxBehind = true; // the next completion that leaves a queue half empty asks again
            return 0;
        }
        outboxBehind = false;
        int[] created = {0};
        if (outbox.read(take, batch -> created[0] += fanOut(batch, endpoints))) {
            // a backlog: the next batch in the next round if the queues can take it, else once one drains
            outboxBehind = true;
            if (eventsToTake(endpoints) > 0) {
                fanOutWanted.set(true);
                schedule();
            }
        }
        return created[0];
    }

    /**
     * How many events the next fan-out takes from the outbox. Each becomes a delivery per endpoint, stored already
     * claimed when the endpoint's queue has room and pending otherwise; a pending one costs two more writes later (read
     * as due, claimed). So a backlog stays in the outbox while the queues are full and is taken in batches every
     * sending endpoint has room for:
     * <ul>
     * <li>every sending endpoint's queue is at most half full: as many as the fullest one has room for;</li>
     * <li>some queue ran dry while others are still full (a slow endpoint beside fast ones): as many as the emptiest
     * has room for, so a slow endpoint never holds the fast ones back; the slow one gets the rest pending;</li>
     * <li>otherwise none: the next completion that leaves a queue half empty asks again.</li>
     * </ul>
     * New events with no endpoint able to send (breakers open) are stored pending once, as ever; after that, a backlog
     * waits in the outbox until an endpoint can send again.
     */
    private int eventsToTake(List<WebhookEndpoint> endpoints) {
        int least = Integer.MAX_VALUE;
        int most = 0;
        boolean allHaveRoom = true;
        boolean oneRanDry = false;
        for (WebhookEndpoint ep : endpoints) {
            if (!active.getAsBoolean() || health.breaker(ep.id()).getState() == CircuitBreaker.State.OPEN) {
                continue;
            }
            int queued = queue(ep.id()).size();
            int prefetch = prefetch(ep.id());
            int room = Math.max(0, prefetch - queued);
            least = Math.min(least, room);
            most = Math.max(most, room);
            allHaveRoom &= queued < prefetch / 2;
            oneRanDry |= queued == 0;
        }
        if (least == Integer.MAX_VALUE) {
            return outboxBehind ? 0 : FAN_OUT_BATCH; // nobody can send: what is new is stored pending, once
        }
        return Math.min(FAN_OUT_BATCH, allHaveRoom ? Math.max(1, least) : oneRanDry ? most : 0);
    }

    /**
     * Kafka bus: events this instance's share of the webhook consumer group received become deliveries, stored before
     * the consumer moves on (at least once; a record read again adds nothing), and sent.
     */
    public void fanOutConsumed(String eventJson) {
        CanonicalEvent e = CanonicalEvent.fromJson(io.healthbridge.event.EventJson.read(eventJson));
        // the record is the stored event: with its payload, sending it needs no read of the store
        StoredEvent stored = new StoredEvent(0, e.id(), e.type(), null, e.subject(), eventJson, null);
        synchronized (this) {
            fanOut(List.of(stored), store.enabled());
        }
    }

    /**
     * The deliveries of these events, in one transaction. As many as each endpoint's queue has room for are stored
     * already claimed and queued for sending at once; the rest are stored pending, for {@link #dispatchDue}.
     */
    private int fanOut(List<StoredEvent> batch, List<WebhookEndpoint> endpoints) {
        Map<String, Integer> room = new HashMap<>();
        for (WebhookEndpoint ep : endpoints) {
            boolean sending = active.getAsBoolean() && health.breaker(ep.id()).getState() != CircuitBreaker.State.OPEN;
            room.put(ep.id(), sending ? Math.max(0, prefetch(ep.id()) - queue(ep.id()).size()) : 0);
        }
        Instant lease = clock.instant().plus(settings.timeout().multipliedBy(2));
        List<WebhookStore.NewDelivery> wanted = new java.util.ArrayList<>();
        for (StoredEvent e : batch) {
            for (WebhookEndpoint ep : endpoints) {
                if (ep.matches(e.type(), e.subject())) {
                    int free = room.get(ep.id());
                    room.put(ep.id(), Math.max(0, free - 1));
                    wanted.add(new WebhookStore.NewDelivery(ep.id(), e.id(), e.type(), free > 0 ? lease : null));
                    if (free == 0) {
                        drained.remove(ep.id());
                    }
                }
            }
        }
        List<WebhookDelivery> created = store.addDeliveries(wanted);
        for (StoredEvent e : batch) {
            if (e.payload() != null) {
                requests.remember(e); // read for the fan-out already: sending reads it from here
            }
        }
        java.util.Set<String> claimed = new java.util.LinkedHashSet<>();
        for (WebhookDelivery d : created) {
            if (WebhookDelivery.SENDING.equals(d.status())) {
                queue(d.endpointId()).add(d);
                claimed.add(d.endpointId());
            }
        }
        claimed.forEach(this::startSends);
        return created.size();
    }

    /** Sends what is due to every enabled endpoint, as many as each has free sending slots. */
    public synchronized void dispatchDue() {
        for (WebhookEndpoint ep : store.enabled()) {
            dispatchDue(ep, true);
        }
    }

    /**
     * Tops up the endpoint's queue of claimed deliveries (twice its concurrency, claimed in one transaction) and starts
     * as many as it has free slots. A finished delivery starts the next one from the queue at once, without a round
     * through the store; the queue is refilled when it runs low. Claims are leased for twice the timeout, more than a
     * queued delivery waits, and a queue that cannot be sent (breaker open, endpoint disabled, maintenance, stop)
     * goes back to pending.
     */
    private synchronized void dispatchDue(WebhookEndpoint ep, boolean poll) {
        if (health.breaker(ep.id()).getState() == CircuitBreaker.State.OPEN) {
            return; // due again once the breaker half-opens; one dead endpoint never slows the others
        }
        java.util.Queue<WebhookDelivery> queue = queue(ep.id());
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
        double ms = latency.getOrDefault(endpointId, (double) quarterLease); // not yet known: a shallow queue
        int perSlot = (int) Math.max(1, Math.min(MAX_QUEUED_PER_SLOT, quarterLease / Math.max(1.0, ms)));
        return settings.maxConcurrency() * (1 + perSlot);
    }

    private java.util.Queue<WebhookDelivery> queue(String endpointId) {
        return claimedQueues.computeIfAbsent(endpointId, k -> new java.util.concurrent.ConcurrentLinkedQueue<>());
    }

    /** Starts queued deliveries while the endpoint has free slots; hands the queue back when it cannot send. */
    private void startSends(String endpointId) {
        java.util.Queue<WebhookDelivery> queue = queue(endpointId);
        Optional<WebhookEndpoint> ep = store.endpoint(endpointId).filter(WebhookEndpoint::enabled);
        if (ep.isEmpty() || !active.getAsBoolean() || health.breaker(endpointId).getState() == CircuitBreaker.State.OPEN) {
            WebhookDelivery back;
            while ((back = queue.poll()) != null) {
                store.postpone(back.id(), clock.instant());
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
                    sent = attempt(ep.get(), d);
                } catch (RuntimeException e) {
                    sent = CompletableFuture.failedFuture(e);
                }
                sent.whenComplete((v, e) -> {
                    slots.release();
                    if (e != null) {
                        LOG.error("Webhook delivery {} failed unexpectedly: {}", d.id(), e.toString());
                        store.postpone(d.id(), clock.instant().plusSeconds(30));
                        drained.remove(endpointId);
                    }
                    try {
                        startSends(endpointId);
                    } finally {
                        if (queue.size() < prefetch(endpointId) / 2) {
                            kick(endpointId);
                        }
                    }
                });
            });
        }
    }

    /**
     * Sends one attempt and records its outcome when the answer comes. Never blocks a thread on the network: the
     * request is in flight without one, and the outcome is recorded on the executor. (A blocking send on the same
     * executor the HTTP client completes on deadlocked once more deliveries were in flight than it had threads.)
     */
    CompletableFuture<Void> attempt(WebhookEndpoint ep, WebhookDelivery d) {
        String refused = targets.problem(ep.url());
        if (refused != null) {
            handleFailure(ep, d, null, "target refused: " + refused, 0, null, false);
            return CompletableFuture.completedFuture(null);
        }
        byte[] body;
        try {
            body = requests.body(ep, d);
        } catch (RuntimeException e) {
            store.recordAttempt(d, WebhookDelivery.ABANDONED, null, null, "event cannot be rendered: " + e.getMessage(), 0, null);
            return CompletableFuture.completedFuture(null);
        }
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = WebhookSigner.headers(d.eventId(), timestamp, body, ep.secret(),
                ep.activePreviousSecret(clock.instant()));
        long start = System.nanoTime();
        return http.sendAsync(requests.request(ep, headers, body), HttpResponse.BodyHandlers.ofString())
                .handleAsync((r, error) -> {
                    outcome(ep, d, r, error, (System.nanoTime() - start) / 1_000_000);
                    return null;
                }, executor);
    }

    private void outcome(WebhookEndpoint ep, WebhookDelivery d, HttpResponse<String> r, Throwable error, long ms) {
        latency.merge(ep.id(), (double) ms, (old, now) -> old * 0.8 + now * 0.2);
        CircuitBreaker breaker = health.breaker(ep.id());
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof HttpTimeoutException) {
                breaker.onError(0, TimeUnit.MILLISECONDS, cause);
                handleFailure(ep, d, null, "timed out after " + settings.timeout().toMillis() + " ms", ms, null, true);
                count("timeout");
            } else if (cause instanceof IOException) {
                breaker.onError(0, TimeUnit.MILLISECONDS, cause);
                handleFailure(ep, d, null, "connection failed: " + cause.getMessage(), ms, null, true);
                count("connection_error");
            } else {
                throw new CompletionException(cause);
            }
            return;
        }
        int code = r.statusCode();
        if (code / 100 == 2) {
            breaker.onSuccess(ms, TimeUnit.MILLISECONDS);
            handleSuccess(ep, d, code, ms);
        } else if (code == 410) {
            breaker.onSuccess(ms, TimeUnit.MILLISECONDS);
            health.disable(ep, "endpoint answered 410 Gone");
            store.recordAttempt(d, WebhookDelivery.ABANDONED, null, code, "410 Gone: endpoint disabled", ms, excerpt(r.body()));
            count("gone");
        } else {
            breaker.onError(ms, TimeUnit.MILLISECONDS, new IOException("HTTP " + code));
            Duration retryAfter = code == 429 || code == 503 ? RetryPolicy.retryAfter(r) : null;
            handleFailure(ep, d, code, "HTTP " + code, ms, retryAfter, true);
            meters.counter("healthbridge.webhook.attempts", "outcome", code / 100 == 3 ? "redirect"
                    : code / 100 == 4 ? "client_error" : "server_error").increment();
        }
    }

    private void handleSuccess(WebhookEndpoint ep, WebhookDelivery d, int code, long ms) {
        recorder.add(new WebhookStore.Delivered(d, code, ms, clock.instant()));
        health.succeeded(ep);
        count("delivered");
        meters.timer("healthbridge.webhook.latency").record(Duration.ofMillis(ms));
    }

    private void handleFailure(WebhookEndpoint ep, WebhookDelivery d, Integer code, String error, long ms,
            Duration retryAfter, boolean endpointFault) {
        int attempt = d.attempts() + 1;
        Instant next = nextAttempt(attempt, retryAfter);
        store.recordAttempt(d, next == null ? WebhookDelivery.FAILED : WebhookDelivery.PENDING, next, code, error, ms, null);
        if (next != null) {
            drained.remove(d.endpointId());
        }
        if (!endpointFault) {
            return;
        }
        health.failed(ep);
    }

    /** Where lifecycle events go ({@code direct:publish}); set once the context runs. */
    public void setAnnouncer(java.util.function.Consumer<CanonicalEvent> announcer) {
        health.setAnnouncer(announcer);
    }

    /** The time of attempt {@code attemptsMade + 1} (see {@link RetryPolicy}), or null when the schedule ran out. */
    Instant nextAttempt(int attemptsMade, Duration retryAfter) {
        return retries.next(clock.instant(), attemptsMade, retryAfter);
    }

    private void count(String outcome) {
        meters.counter("healthbridge.webhook.attempts", "outcome", outcome).increment();
    }

    static String excerpt(String body) {
        if (body == null) {
            return null;
        }
        return body.length() > 500 ? body.substring(0, 500) : body;
    }
}
