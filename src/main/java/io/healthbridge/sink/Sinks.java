package io.healthbridge.sink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.OutboxCursors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The route-file sinks ({@code healthbridge-events:<sink id>}): each reads the outbox from a cursor of its own,
 * {@code sink:<id>} in {@code outbox_cursors}, kept when its file is removed or reloaded (deleted through the API). This
 * holds the sinks running in this process, their counts and last error, for the API, the dashboard and metrics.
 */
public class Sinks {

    public static final String CURSOR_PREFIX = OutboxCursors.SINK_PREFIX;
    /** A sink id: what a cursor's name and a metric's tag can hold. */
    public static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final EventStore events;
    private final OutboxCursors cursors;
    private final MeterRegistry meters;
    private final Clock clock;
    private final BooleanSupplier active;
    private final Function<String, Lead> leads;
    private final Map<String, Sink> running = new ConcurrentHashMap<>();

    /** Which instance of a cluster reads a sink: the one holding its lead (always this one on the embedded store). */
    public interface Lead extends AutoCloseable {

        boolean holds();

        @Override
        void close();
    }

    public Sinks(EventStore events, OutboxCursors cursors, MeterRegistry meters, Clock clock, BooleanSupplier active,
            Function<String, Lead> leads) {
        this.events = events;
        this.cursors = cursors;
        this.meters = meters;
        this.clock = clock;
        this.active = active;
        this.leads = leads;
    }

    /** The lead of a sink id, to hold while its consumer runs. */
    Lead lead(String id) {
        return leads.apply(CURSOR_PREFIX + id);
    }

    /** One running sink's state. */
    public final class Sink {
        final String id;
        final String routeId;
        final String options;
        final Instant startedAt;
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Counter deliveredCount;
        final Counter failedCount;
        volatile String lastError;
        volatile Instant lastErrorAt;
        volatile Instant lastDeliveredAt;

        Sink(String id, String routeId, String options) {
            this.id = id;
            this.routeId = routeId;
            this.options = options;
            this.startedAt = clock.instant();
            this.deliveredCount = meters.counter("healthbridge.sink.events", "sink", id, "outcome", "delivered");
            this.failedCount = meters.counter("healthbridge.sink.events", "sink", id, "outcome", "failed");
        }

        void delivered(int n) {
            delivered.addAndGet(n);
            deliveredCount.increment(n);
            lastDeliveredAt = clock.instant();
            lastError = null;
        }

        void failed(Throwable e) {
            failed.incrementAndGet();
            failedCount.increment();
            lastErrorAt = clock.instant();
            // the exception's type and message, never a body (it may hold health values)
            lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** Registers a sink starting in {@code routeId}; refused when another route already reads that sink id. */
    Sink open(String id, String routeId, String options) {
        Sink sink = new Sink(id, routeId, options);
        Sink had = running.putIfAbsent(id, sink);
        if (had != null && !Objects.equals(had.routeId, routeId)) {
            throw new IllegalStateException("sink '" + id + "' is already read by route '" + had.routeId
                                            + "': give each sink file a sink id of its own");
        }
        running.put(id, sink);
        Gauge.builder("healthbridge.sink.lag", this, s -> s.lag(id)).tag("sink", id)
                .description("events stored that the sink has not taken yet").register(meters);
        return sink;
    }

    void close(Sink sink) {
        running.remove(sink.id, sink);
    }

    boolean active() {
        return active.getAsBoolean();
    }

    /** The outbox reader of a sink; a sink's first start begins after the newest event, or at the oldest kept. */
    OutboxReader reader(String id, int batchSize, boolean fromEarliest) {
        String name = CURSOR_PREFIX + id;
        if (fromEarliest && cursors.get(name) < 0) {
            cursors.save(name, 0);
        }
        OutboxReader reader = new OutboxReader(events, () -> cursors.get(name), seq -> cursors.save(name, seq),
                batchSize, clock, Duration.ZERO);
        reader.init();
        return reader;
    }

    /** Events stored after the sink's cursor: what it still owes. */
    long lag(String id) {
        long at = cursors.get(CURSOR_PREFIX + id);
        return at < 0 ? 0 : Math.max(0, events.latestSeq() - at);
    }

    /** Every sink with a cursor or running here: id, running, route, cursor, lag, counts, last error. */
    public List<Map<String, Object>> list() {
        Map<String, Long> saved = cursors.withPrefix(CURSOR_PREFIX);
        TreeSet<String> ids = new TreeSet<>(running.keySet());
        saved.keySet().forEach(n -> ids.add(n.substring(CURSOR_PREFIX.length())));
        long latest = events.latestSeq();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            Sink s = running.get(id);
            Long at = saved.get(CURSOR_PREFIX + id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("running", s != null);
            m.put("route_id", s == null ? null : s.routeId);
            m.put("options", s == null ? null : s.options);
            m.put("cursor", at);
            m.put("lag", at == null ? 0 : Math.max(0, latest - at));
            m.put("delivered", s == null ? 0 : s.delivered.get());
            m.put("failed", s == null ? 0 : s.failed.get());
            m.put("last_delivered_at", s == null || s.lastDeliveredAt == null ? null : s.lastDeliveredAt.toString());
            m.put("last_error", s == null ? null : s.lastError);
            m.put("last_error_at", s == null || s.lastErrorAt == null ? null : s.lastErrorAt.toString());
            out.add(m);
        }
        return out;
    }

    public boolean isRunning(String id) {
        return running.containsKey(id);
    }

    /** Forgets a stopped sink's cursor (it no longer holds retention back); false when it had none. */
    public boolean delete(String id) {
        if (isRunning(id)) {
            throw new IllegalStateException("sink '" + id + "' is running: remove its route file first");
        }
        return cursors.delete(CURSOR_PREFIX + id);
    }
}
