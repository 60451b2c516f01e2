package io.healthbridge.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;

/**
 * Reads the outbox (the events table) in publish order from a durable cursor, handing each batch to a sink; the
 * cursor moves only past events the sink took. Readers: the webhook fan-out on the embedded bus, the Kafka relay on
 * the Kafka bus.
 *
 * <p>Sequence numbers are handed out when an insert starts, not when it commits, so a reader can see seq N+1 before
 * seq N is visible: a hole. A hole either fills within moments (a transaction still committing) or never (an id burnt
 * by a rolled-back or duplicate insert). The cursor therefore stays before the oldest hole younger than
 * {@link #HOLE_GRACE}, while everything after it is read at once; an event that fills a hole is read when it appears.
 * Sinks must be idempotent: after a restart the reader starts again from the durable cursor.
 *
 * <p>The cursor can be saved at most once per {@code saveEvery}: on the embedded store each save is a commit of its
 * own, one per published event when events arrive one by one, as many as the events' own. A crash then reads again
 * at most that much, which the idempotent sink takes without a trace. {@link #flush()} saves what is pending.
 */
public final class OutboxReader {

    /** How long a hole in the event sequence is waited for before it is taken as an id that will never commit. */
    public static final Duration HOLE_GRACE = Duration.ofSeconds(10);
    /** At most this many holes are tracked and this many events read back to fill them in one round. */
    static final int HOLE_SCAN = 5000;

    private final EventStore events;
    private final LongSupplier loadCursor;
    private final LongConsumer saveCursor;
    private final int batchSize;
    private final Clock clock;
    private final Duration saveEvery;
    /** The cursor as last saved or loaded by this reader, when it was saved, and a newer one not saved yet. */
    private long persisted = Long.MIN_VALUE;
    private Instant savedAt;
    private long unsaved = -1;
    /** Highest seq read by this process, and the holes below it still awaited (both guarded by this). */
    private long readUpTo = -1;
    private final TreeMap<Long, Instant> holes = new TreeMap<>();
    /** The oldest event the sink has taken but not finished with ({@link Long#MAX_VALUE}: none). */
    private volatile LongSupplier held = () -> Long.MAX_VALUE;

    /** A reader that saves its cursor after every round that moved it. */
    public OutboxReader(EventStore events, LongSupplier loadCursor, LongConsumer saveCursor, int batchSize, Clock clock) {
        this(events, loadCursor, saveCursor, batchSize, clock, Duration.ZERO);
    }

    /** {@code loadCursor} answers -1 when the cursor was never saved; the cursor is saved at most once per {@code saveEvery}. */
    public OutboxReader(EventStore events, LongSupplier loadCursor, LongConsumer saveCursor, int batchSize, Clock clock,
                        Duration saveEvery) {
        this.events = events;
        this.loadCursor = loadCursor;
        this.saveCursor = saveCursor;
        this.batchSize = batchSize;
        this.clock = clock;
        this.saveEvery = saveEvery;
    }

    /**
     * The sink finishes some events after it took them (the webhook fan-out writes a delivery sent at once only with
     * its outcome): the cursor never moves past the oldest event {@code oldest} answers, so a restart reads it again.
     */
    public void holdAt(LongSupplier oldest) {
        this.held = oldest;
    }

    /** Saves the cursor unless it was saved less than {@code saveEvery} ago ({@code force}: now). */
    private void save(long cursor, boolean force) {
        if (cursor <= persisted) {
            return;
        }
        Instant now = clock.instant();
        if (!force && savedAt != null && now.isBefore(savedAt.plus(saveEvery))) {
            unsaved = cursor;
            return;
        }
        saveCursor.accept(cursor);
        persisted = cursor;
        savedAt = now;
        unsaved = -1;
    }

    /** Saves a cursor position still waiting for its interval (the reader is stopping). */
    public synchronized void flush() {
        if (unsaved >= 0) {
            save(unsaved, true);
        }
    }

    /**
     * On the very first start of a store, reading begins after the newest event already stored: what was published
     * before the reader existed is not owed to it (webhook endpoints get older events through replay).
     */
    public void init() {
        if (loadCursor.getAsLong() < 0) {
            saveCursor.accept(events.latestSeq()); // a starting point: the first save after it is not held back
        }
    }

    /** Everything stored so far is taken as read (nobody wants it). */
    public synchronized void skipToLatest() {
        skipTo(events.latestSeq());
    }

    /** The newest event stored now; with {@link #skipTo}, skipping only what was there at a given moment. */
    public long latestSeq() {
        return events.latestSeq();
    }

    /** Moves past every event up to {@code latest} (read with {@link #latestSeq}) without reading them. */
    public synchronized void skipTo(long latest) {
        holes.clear();
        readUpTo = Math.max(readUpTo, latest);
        if (latest > Math.max(persisted, loadCursor.getAsLong())) {
            save(latest, false);
        }
    }

    /**
     * One round: events that filled holes, then the next batch, to the sink. A sink that throws leaves the reader
     * where it was. Returns true when a full batch was read (a backlog: call again soon).
     */
    public boolean read(Consumer<List<StoredEvent>> sink) {
        return read(batchSize, sink);
    }

    /** {@link #read(Consumer)} with at most {@code limit} new events (not more than the batch size) in this round. */
    public synchronized boolean read(int limit, Consumer<List<StoredEvent>> sink) {
        int size = Math.max(1, Math.min(limit, batchSize));
        long saved = loadCursor.getAsLong();
        if (saved < 0) {
            init();
            saved = loadCursor.getAsLong();
        }
        if (readUpTo < saved) {
            readUpTo = saved;
            holes.clear();
        }
        Instant now = clock.instant();
        if (!holes.isEmpty()) {
            long lowest = holes.firstKey();
            int span = (int) Math.min(HOLE_SCAN, readUpTo - lowest + 1);
            List<StoredEvent> filled = new ArrayList<>();
            for (StoredEvent e : events.after(lowest - 1, null, null, null, span)) {
                if (holes.containsKey(e.seq())) {
                    filled.add(e);
                }
            }
            if (!filled.isEmpty()) {
                sink.accept(filled);
                filled.forEach(e -> holes.remove(e.seq()));
            }
        }
        List<StoredEvent> batch = events.after(readUpTo, null, null, null, size);
        if (!batch.isEmpty()) {
            sink.accept(batch);
            long expect = readUpTo + 1;
            for (StoredEvent e : batch) {
                for (long missing = expect; missing < e.seq() && holes.size() < HOLE_SCAN; missing++) {
                    holes.put(missing, now);
                }
                expect = e.seq() + 1;
            }
            readUpTo = batch.get(batch.size() - 1).seq();
        }
        holes.values().removeIf(seen -> seen.plus(HOLE_GRACE).isBefore(now));
        long safe = Math.min(holes.isEmpty() ? readUpTo : holes.firstKey() - 1, held.getAsLong() - 1);
        if (safe > saved) {
            save(safe, false);
        }
        return batch.size() == size;
    }
}
