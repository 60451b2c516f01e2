package io.healthbridge.api;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.store.EventStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The last hour of this runtime's activity, a minute at a time, for the dashboard's charts: events published per
 * provider and type (every event the bus hands out, so on Kafka every instance sees the cluster's), webhook attempts
 * delivered and failed with their mean latency (per endpoint, and in all), and each route-file sink's lag. Kept in
 * memory (60 small buckets); after a restart the events of the hour are counted again from the store
 * ({@link #seed}), the webhook attempts and sink lag start anew. Counts, never values: nothing of a person's data is
 * kept here.
 */
public class ActivityHistory {

    static final int MINUTES = 60;

    /** One minute of activity. */
    private static final class Minute {
        final Map<String, Map<String, Long>> events = new TreeMap<>();
        final Map<String, Double> sinkLag = new TreeMap<>();
        /** Per endpoint: delivered, failed, total milliseconds. */
        final Map<String, long[]> endpoints = new TreeMap<>();
    }

    private final MeterRegistry meters;
    private final Clock clock;
    private final EventStore store;
    /** The newest event stored before this runtime counted what the bus hands out: {@link #seed} counts up to it. */
    private final long uncountedUpTo;
    private final NavigableMap<Instant, Minute> minutes = new TreeMap<>();

    /** Made before the bus hands out events, with {@link #onEvent} its listener from then on. */
    public ActivityHistory(MeterRegistry meters, Clock clock, EventStore store) {
        this.meters = meters;
        this.clock = clock;
        this.store = store;
        this.uncountedUpTo = store.latestSeq();
    }

    /** An event the bus handed out (an {@code EventHub} listener). */
    public synchronized void onEvent(CanonicalEvent event) {
        current().events.computeIfAbsent(event.provider(), p -> new TreeMap<>()).merge(event.type(), 1L, Long::sum);
    }

    /** A webhook delivery attempt's outcome (the dispatcher's attempt listener). */
    public synchronized void onAttempt(String endpointId, boolean delivered, long millis) {
        long[] e = current().endpoints.computeIfAbsent(endpointId, k -> new long[3]);
        e[delivered ? 0 : 1]++;
        e[2] += millis;
    }

    /** The route-file sinks' lag as it is now, into this minute: the {@code activity-sample} route, every few seconds. */
    public synchronized void sample() {
        Minute now = current();
        for (Gauge g : meters.find("healthbridge.sink.lag").gauges()) {
            now.sinkLag.put(g.getId().getTag("sink"), g.value());
        }
    }

    /**
     * Counts the events of the last hour stored before this runtime counted them itself into their minutes, so the
     * charts show the hour the moment the runtime is back (once, by the {@code activity-seed} route, after start).
     */
    public void seed() {
        Instant since = clock.instant().truncatedTo(ChronoUnit.MINUTES).minus(MINUTES - 1, ChronoUnit.MINUTES);
        List<EventStore.MinuteCount> counts = store.perMinute(since, uncountedUpTo);
        synchronized (this) {
            current();
            for (EventStore.MinuteCount c : counts) {
                Instant at = c.minute().truncatedTo(ChronoUnit.MINUTES);
                if (!at.isBefore(since)) {
                    minutes.computeIfAbsent(at, k -> new Minute()).events
                            .computeIfAbsent(c.provider(), p -> new TreeMap<>()).merge(c.type(), c.count(), Long::sum);
                }
            }
        }
    }

    /** {@code now} (this minute, as the runtime's clock has it) and the minutes of the last hour, oldest first. */
    public synchronized Map<String, Object> json() {
        current();
        List<Map<String, Object>> out = new ArrayList<>();
        minutes.forEach((at, m) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("at", at.toString());
            j.put("events", m.events);
            long delivered = 0;
            long failed = 0;
            long millis = 0;
            Map<String, Object> byEndpoint = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> en : m.endpoints.entrySet()) {
                long[] e = en.getValue();
                delivered += e[0];
                failed += e[1];
                millis += e[2];
                byEndpoint.put(en.getKey(), Map.of("delivered", e[0], "failed", e[1], "latency_ms_mean", mean(e[2],
                        e[0] + e[1])));
            }
            Map<String, Object> webhooks = new LinkedHashMap<>();
            webhooks.put("delivered", delivered);
            webhooks.put("failed", failed);
            webhooks.put("latency_ms_mean", delivered + failed == 0 ? null : mean(millis, delivered + failed));
            webhooks.put("endpoints", byEndpoint);
            j.put("webhooks", webhooks);
            j.put("sink_lag", m.sinkLag);
            out.add(j);
        });
        return Map.of("now", minutes.lastKey().toString(), "minutes", out);
    }

    private static double mean(long millis, long attempts) {
        return Math.round((double) millis / Math.max(1, attempts) * 10) / 10.0;
    }

    /** The bucket of this minute, dropping those older than the hour. */
    private Minute current() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        minutes.headMap(minute.minus(MINUTES - 1, ChronoUnit.MINUTES), false).clear();
        return minutes.computeIfAbsent(minute, k -> new Minute());
    }
}
