package io.healthbridge.reconcile;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.reconcile.ReconcileQueue.Touch;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoreException;
import io.healthbridge.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the reconciled events ({@code healthbridge/reconciled}) in step with the events they come from, incrementally:
 * it reads the outbox from a durable cursor and queues the days each stored, revised or deleted event touches (the
 * local dates its interval spans, in the zone of its own timestamps); then it recomputes each queued day once and
 * publishes what changed: a new version of a result whose figures or sources changed, a tombstone for a result that
 * no longer exists. A day's queue rows go only after its results are stored, so a crash recomputes, never skips.
 */
public class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /** The name of the reconciler's outbox cursor. */
    public static final String CURSOR = "reconciler";
    /** Why a reconciled result was retracted: nothing it came from stands any more, or it was regrouped. */
    public static final String RETRACTED = "no_longer_reconciled";
    /** An interval longer than this touches its first days and its last (results cover a day or a night). */
    static final int MAX_DAYS = 3;
    private static final int PAGE = 1000;
    /** Days recomputed, published and dequeued together. */
    static final int CHUNK = 50;

    /**
     * Where reconciled results go: the publish path's validation, store and bus; {@code began} is when the days were
     * read ({@link ErasureGate#now()}), so that a person erased since has none of their results stored.
     */
    public interface Publisher {

        void publish(List<CanonicalEvent> events, long began);

        void retract(List<StoredEvent> events, String reason, long began);
    }

    private final EventStore events;
    private final DayView days;
    private final ReconcileQueue queue;
    private final OutboxReader outbox;
    private final Publisher publisher;
    private final BooleanSupplier leads;
    private final Supplier<Collection<String>> held;
    private final Clock clock;
    private final Counter recomputed;
    private final Counter published;
    private final Counter retracted;
    private final Counter failed;

    public Reconciler(EventStore events, DayView days, ReconcileQueue queue, OutboxReader outbox, Publisher publisher,
            BooleanSupplier leads, Supplier<Collection<String>> held, MeterRegistry meters, Clock clock) {
        this.events = events;
        this.days = days;
        this.queue = queue;
        this.outbox = outbox;
        this.publisher = publisher;
        this.leads = leads;
        this.held = held;
        this.clock = clock;
        this.recomputed = meters.counter("healthbridge.reconcile.days");
        this.published = meters.counter("healthbridge.reconcile.events", "change", "version");
        this.retracted = meters.counter("healthbridge.reconcile.events", "change", "retracted");
        this.failed = meters.counter("healthbridge.reconcile.failures");
        meters.gauge("healthbridge.reconcile.waiting", queue, ReconcileQueue::waiting);
    }

    /**
     * One round, on the instance that leads: the outbox read up to {@code scanRounds} batches, then up to
     * {@code dayLimit} queued days recomputed. Returns the days recomputed.
     */
    public int run(int scanRounds, int dayLimit) {
        if (!leads.getAsBoolean()) {
            return 0;
        }
        for (int i = 0; i < scanRounds && scan(); i++) {
            // a backlog: read on
        }
        return drain(dayLimit);
    }

    /** Queues the days touched by the next batch of the outbox; true when a full batch was read. */
    public boolean scan() {
        return outbox.read(batch -> queue.add(touched(batch)));
    }

    /**
     * Recomputes up to {@code limit} queued days, oldest first, {@link #CHUNK} days to a transaction: their changes
     * published together, then their queue rows removed together. The days of people held (an import of theirs under
     * way) wait in the queue: an export touches each of its days once per type, and recomputing a day each time would
     * be wasted work and send consumers a version of its results for every type imported so far.
     */
    public int drain(int limit) {
        List<ReconcileQueue.Pending> pending = queue.next(limit, held.get());
        for (int from = 0; from < pending.size(); from += CHUNK) {
            List<ReconcileQueue.Pending> chunk = pending.subList(from, Math.min(pending.size(), from + CHUNK));
            Changes changes = new Changes();
            for (ReconcileQueue.Pending p : chunk) {
                changes(p.touch(), changes);
            }
            publish(changes);
            queue.done(chunk);
        }
        return pending.size();
    }

    /** What recomputing some days changed: new versions to publish, stored results to retract. */
    private static final class Changes {
        final long began = ErasureGate.now();
        final List<CanonicalEvent> versions = new ArrayList<>();
        final List<StoredEvent> gone = new ArrayList<>();
    }

    /** The days whose reconciled results these events can change; reconciled events themselves touch none. */
    static Set<Touch> touched(List<StoredEvent> batch) {
        Set<Touch> out = new LinkedHashSet<>();
        for (StoredEvent e : batch) {
            if (CanonicalEvent.RECONCILED.equals(e.provider()) || !relevant(e.type())) {
                continue;
            }
            JsonNode data = EventJson.read(e.payload()).path("data");
            if (e.type().equals("health.deleted")
                && !DayView.TYPES.contains(data.path("deleted").path("data_type").asText())) {
                continue;
            }
            if (!data.hasNonNull("start")) {
                continue;
            }
            OffsetDateTime start = OffsetDateTime.parse(data.get("start").asText());
            OffsetDateTime end = data.hasNonNull("end") ? OffsetDateTime.parse(data.get("end").asText()) : start;
            ZoneId zone = start.getOffset();
            LocalDate first = start.toLocalDate();
            OffsetDateTime localEnd = end.atZoneSameInstant(zone).toOffsetDateTime();
            // an interval ending at midnight does not reach into the next day
            LocalDate last = localEnd.isAfter(start) && localEnd.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
                    ? localEnd.toLocalDate().minusDays(1) : localEnd.toLocalDate();
            if (last.isBefore(first)) {
                last = first;
            }
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                if (d.isAfter(first.plusDays(MAX_DAYS - 1)) && d.isBefore(last)) {
                    continue;
                }
                out.add(new Touch(e.subject(), d, zone.getId()));
            }
        }
        return out;
    }

    private static boolean relevant(String type) {
        return type.equals("health.deleted") || DayView.EVENT_TYPES.contains(type);
    }

    /** Queues days to recompute at the next round. */
    public void queue(List<Touch> touches) {
        queue.add(touches);
    }

    /** Recomputes a day and publishes what changed of its results. */
    public void recompute(Touch t) {
        Changes changes = new Changes();
        changes(t, changes);
        publish(changes);
    }

    /**
     * Adds what changed of a day's results. A day that cannot be computed (a result its events do not allow) is
     * counted and logged, and does not hold up the days after it; the store failing is thrown, to retry.
     */
    private void changes(Touch t, Changes out) {
        DayView.Day day;
        List<CanonicalEvent> wanted;
        try {
            day = days.compute(t.user(), t.day(), ZoneId.of(t.zone()));
            wanted = ReconciledEvents.of(day);
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("Cannot reconcile {} of user {} ({}): {}", t.day(), t.user(), e.getClass().getSimpleName(),
                    e.getMessage());
            return;
        }
        Map<String, List<StoredEvent>> current = current(t.day(), day.reconciled());
        Set<String> keys = new HashSet<>();
        for (CanonicalEvent e : wanted) {
            keys.add(e.key());
            List<StoredEvent> versions = current.get(e.key());
            StoredEvent latest = versions == null ? null : versions.get(versions.size() - 1);
            if (latest == null || !ReconciledEvents.content(EventJson.read(latest.payload()).path("data"))
                    .equals(ReconciledEvents.content(e.data()))) {
                out.versions.add(ReconciledEvents.version(e, latest == null ? null : latest.id(), clock.instant()));
            }
        }
        current.forEach((key, versions) -> {
            if (!keys.contains(key)) {
                out.gone.addAll(versions);
            }
        });
        recomputed.increment();
    }

    private void publish(Changes changes) {
        if (!changes.versions.isEmpty()) {
            publisher.publish(changes.versions, changes.began);
            published.increment(changes.versions.size());
        }
        if (!changes.gone.isEmpty()) {
            publisher.retract(changes.gone, RETRACTED, changes.began);
            retracted.increment(changes.gone.size());
        }
    }

    /**
     * The days to recompute when the user's priorities of these types change: every day holding a reconciled result of
     * one of them, in the zone it was computed in.
     */
    public Set<Touch> daysOf(String user, Set<String> types) {
        Set<Touch> out = new LinkedHashSet<>();
        for (String type : types) {
            long after = 0;
            List<StoredEvent> page;
            do {
                page = events.after(after, "health." + type, user, CanonicalEvent.RECONCILED, PAGE);
                for (StoredEvent e : page) {
                    JsonNode data = EventJson.read(e.payload()).path("data");
                    out.add(new Touch(user, LocalDate.parse(data.path("provenance").path("day").asText()),
                            OffsetDateTime.parse(data.path("start").asText()).getOffset().getId()));
                    after = e.seq();
                }
            } while (page.size() == PAGE);
        }
        return out;
    }

    /** The day's reconciled events as stored, every version, by key, oldest version first. */
    private static Map<String, List<StoredEvent>> current(LocalDate date, List<StoredEvent> reconciled) {
        Map<String, List<StoredEvent>> out = new LinkedHashMap<>();
        List<StoredEvent> stored = new ArrayList<>(reconciled);
        stored.sort(Comparator.comparingLong(StoredEvent::seq));
        for (StoredEvent e : stored) {
            JsonNode data = EventJson.read(e.payload()).path("data");
            if (date.toString().equals(data.path("provenance").path("day").asText())) {
                out.computeIfAbsent(data.path("key").asText(), k -> new ArrayList<>()).add(e);
            }
        }
        return out;
    }

    /** Saves a cursor position still held back (the runtime is stopping). */
    public void flush() {
        outbox.flush();
    }
}
