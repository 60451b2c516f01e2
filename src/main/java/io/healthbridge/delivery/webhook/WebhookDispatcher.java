package io.healthbridge.delivery.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.TypeGlob;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;
import io.healthbridge.telemetry.Tracing;
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
    public static final String CURSOR = "webhook-fanout";
    /** Events fanned out per round: a backlog goes in several short rounds, so sending is never held up for long. */
    static final int FAN_OUT_BATCH = 100;
    /**
     * The fan-out's cursor is saved at most this often: saved every round, it would be a commit per published event
     * when events come one at a time. A crash reads up to this much again; the fan-out is idempotent, so nothing is sent twice.
     */
    static final Duration CURSOR_SAVE_EVERY = Duration.ofSeconds(1);
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
    private final Settings settings;
    private final Clock clock;
    private final ExecutorService executor;
    private final DeliveryRecorder recorder;
    private final WebhookRequests requests;
    private final EndpointHealth health;
    private final WebhookSender sender;
    private final EndpointLanes lanes;
    private volatile BooleanSupplier active = () -> true;
    /** The outbox read by the fan-out (embedded bus); unused when the Kafka bus feeds {@link #fanOutConsumed}. */
    private final OutboxReader outbox;
    private volatile boolean readsOutbox = true;
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    private final AtomicBoolean fanOutWanted = new AtomicBoolean();
    private final AtomicBoolean dueWanted = new AtomicBoolean();
    private final Set<String> endpointsWanted = ConcurrentHashMap.newKeySet();
    /**
     * The last fan-out left events in the outbox because every endpoint's queue was full: the next one runs when a
     * queue drains (or at the next poll), so a backlog becomes deliveries as fast as they can be sent, each sent at
     * once and written with its outcome, instead of piling up as pending rows to be read and claimed again.
     */
    private volatile boolean outboxBehind;
    /**
     * The newest event stored when this process started: only events up to it can have deliveries already (written by
     * an earlier process that read them before it stopped), so only their fan-out asks the store which exist. A
     * delivery written only after its first attempt ({@link UnwrittenDeliveries}) cannot be skipped by a failed insert.
     */
    private volatile long storedBefore = Long.MAX_VALUE;
    private final ExecutorService kicker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "webhook-dispatch");
        t.setDaemon(true);
        return t;
    });

    public WebhookDispatcher(WebhookStore store, EventStore events, TargetPolicy targets, Settings settings,
            MeterRegistry meters, Clock clock, ExecutorService executor) {
        this.store = store;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.outbox = new OutboxReader(events, () -> store.cursor(CURSOR), seq -> store.saveCursor(CURSOR, seq),
                FAN_OUT_BATCH, clock, CURSOR_SAVE_EVERY);
        outbox.holdAt(store::oldestUnwritten); // an event stays owed until each of its deliveries is written
        this.recorder = new DeliveryRecorder(store, RECORD_LINGER_MS);
        this.requests = new WebhookRequests(events, settings.timeout());
        this.health = new EndpointHealth(store, settings, meters, clock);
        RetryPolicy retries = new RetryPolicy(settings.retrySchedule(), () -> ThreadLocalRandom.current().nextDouble());
        this.sender = new WebhookSender(store, targets, settings, meters, clock, executor, retries, recorder, requests,
                health, this::retryScheduled);
        this.lanes = new EndpointLanes(store, sender, health, settings, clock, executor, () -> active.getAsBoolean(),
                this::kick);
    }

    /** Told of every attempt's outcome (the dashboard's per-endpoint chart). */
    public void setAttemptListener(AttemptListener listener) {
        sender.setAttemptListener(listener);
    }

    /** Client spans for deliveries, with {@code traceparent} sent to the receiver. */
    public void setTracing(Tracing tracing) {
        sender.setTracing(tracing);
    }

    public Settings settings() {
        return settings;
    }

    /** One round: fan out new events, release dead claims, send what is due. Called by the route's timer. */
    public void run() {
        store.releaseExpiredClaims();
        if (store.endpoints().anyDisabled()) {
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
                        for (String id : List.copyOf(endpointsWanted)) {
                            endpointsWanted.remove(id);
                            store.endpoints().endpoint(id).filter(WebhookEndpoint::enabled)
                                    .ifPresent(ep -> lanes.topUpAndSend(ep, false));
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
        } catch (RejectedExecutionException e) {
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
            lanes.handBack();
        } catch (RuntimeException e) {
            LOG.debug("Queued webhook deliveries not handed back on stop: {}", e.toString());
        }
    }

    /** Rounds are only kicked while this says so (maintenance mode pauses delivery). */
    public void setActive(BooleanSupplier active) {
        this.active = active;
    }

    /**
     * On the very first start of a store, the fan-out begins after the newest event already stored: endpoints get what
     * is published from then on, older events through replay. Called before any route runs.
     */
    public void initCursor() {
        outbox.init();
        storedBefore = outbox.latestSeq();
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
        List<WebhookEndpoint> seen = store.endpoints().enabled();
        if (seen.isEmpty()) {
            // nobody to deliver to: what was published before an endpoint existed is not owed to it (replay is). The
            // newest event is read before the endpoints, and those from the store itself, not the snapshot: an
            // endpoint created a moment ago then gets every event published after it, none skipped
            long latest = outbox.latestSeq();
            if (store.endpoints().enabledNow().isEmpty()) {
                outbox.skipTo(latest);
                return 0;
            }
            seen = store.endpoints().enabled();
        }
        List<WebhookEndpoint> endpoints = seen;
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
     * How many events the next fan-out takes from the outbox. Each becomes a delivery per endpoint, claimed and
     * sent at once when the endpoint's queue has room and stored pending otherwise; a pending one costs two more writes
     * later (read as due, claimed). So a backlog stays in the outbox while the queues are full and is taken in batches every
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
            if (!lanes.sending(ep.id())) {
                continue;
            }
            int queued = lanes.queue(ep.id()).size();
            int prefetch = lanes.prefetch(ep.id());
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
        CanonicalEvent e = CanonicalEvent.fromJson(EventJson.read(eventJson));
        // the record is the stored event: with its payload, sending it needs no read of the store
        StoredEvent stored = new StoredEvent(0, e.id(), e.type(), e.provider(), e.subject(), eventJson, null);
        synchronized (this) {
            fanOut(List.of(stored), store.endpoints().enabled());
        }
    }

    /**
     * The deliveries of these events. As many as each endpoint's queue has room for are claimed and queued for sending
     * at once, written with their first attempt's outcome ({@link UnwrittenDeliveries}); the rest are stored pending,
     * in one transaction, for {@link #dispatchDue}. Pairs that have a delivery already are skipped.
     */
    private int fanOut(List<StoredEvent> batch, List<WebhookEndpoint> endpoints) {
        Map<String, Integer> room = new HashMap<>();
        for (WebhookEndpoint ep : endpoints) {
            room.put(ep.id(), lanes.sending(ep.id()) ? lanes.room(ep.id()) : 0);
        }
        Instant lease = clock.instant().plus(settings.timeout().multipliedBy(2));
        List<WebhookStore.NewDelivery> wanted = new ArrayList<>();
        Set<String> existing = store.existing(endpoints.stream().map(WebhookEndpoint::id).toList(),
                batch.stream().filter(e -> e.seq() > 0 && e.seq() <= storedBefore).map(StoredEvent::id).toList());
        for (StoredEvent e : batch) {
            for (WebhookEndpoint ep : endpoints) {
                if (ep.matches(TypeGlob.subscribed(e.type(), e.provider()), e.subject())
                    && !existing.contains(ep.id() + " " + e.id())) {
                    int free = room.get(ep.id());
                    room.put(ep.id(), Math.max(0, free - 1));
                    wanted.add(new WebhookStore.NewDelivery(ep.id(), e.id(), e.type(), free > 0 ? lease : null, e.seq()));
                    if (free == 0) {
                        lanes.mayHaveDue(ep.id());
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
        Set<String> claimed = new LinkedHashSet<>();
        for (WebhookDelivery d : created) {
            if (WebhookDelivery.SENDING.equals(d.status())) {
                lanes.queue(d.endpointId()).add(d);
                claimed.add(d.endpointId());
            }
        }
        claimed.forEach(lanes::startSends);
        return created.size();
    }

    /** Sends what is due to every enabled endpoint, as many as each has free sending slots. */
    public synchronized void dispatchDue() {
        for (WebhookEndpoint ep : store.endpoints().enabled()) {
            lanes.topUpAndSend(ep, true);
        }
    }

    private void retryScheduled(String endpointId) {
        lanes.mayHaveDue(endpointId);
    }

    /** Where lifecycle events go ({@code direct:publish}); set once the context runs. */
    public void setAnnouncer(Consumer<CanonicalEvent> announcer) {
        health.setAnnouncer(announcer);
    }

}
