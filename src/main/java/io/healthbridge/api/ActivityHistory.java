package io.healthbridge.api;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.healthbridge.event.CanonicalEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The last hour of this runtime's activity, a minute at a time, for the dashboard's charts: events published per
 * provider and type (every event the bus hands out, so on Kafka every instance sees the cluster's), webhook attempts
 * delivered and failed with their mean latency (in all, and per endpoint), and each route-file sink's lag. Kept in
 * memory only (60 small buckets): a restart starts a new hour. Counts, never values: nothing of a person's data is
 * kept here.
 */
public class ActivityHistory {

    static final int MINUTES = 60;

    /** One minute of activity. */
    private static final class Minute {
        final Instant at;
        final Map<String, Map<String, Long>> events = new TreeMap<>();
        long delivered;
        long failed;
        double latencyMs;
        long latencyCount;
        final Map<String, Double> sinkLag = new TreeMap<>();
        /** Per endpoint: delivered, failed, total milliseconds. */
        final Map<String, long[]> endpoints = new TreeMap<>();

        Minute(Instant at) {
            this.at = at;
        }
    }

    private final MeterRegistry meters;
    private final Clock clock;
    private final Deque<Minute> minutes = new ArrayDeque<>();
    private double lastDelivered;
    private double lastAttempts;
    private double lastLatencyMs;
    private long lastLatencyCount;

    public ActivityHistory(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
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

    /**
     * Adds what the webhook meters counted since the last sample to this minute, and the sinks' lag as it is now:
     * the {@code activity-sample} route, every few seconds.
     */
    public synchronized void sample() {
        double attempts = 0;
        double delivered = 0;
        for (Counter c : meters.find("healthbridge.webhook.attempts").counters()) {
            attempts += c.count();
            if ("delivered".equals(c.getId().getTag("outcome"))) {
                delivered += c.count();
            }
        }
        Timer latency = meters.find("healthbridge.webhook.latency").timer();
        Minute now = current();
        now.delivered += (long) (delivered - lastDelivered);
        now.failed += (long) ((attempts - delivered) - (lastAttempts - lastDelivered));
        if (latency != null) {
            double total = latency.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            now.latencyMs += total - lastLatencyMs;
            now.latencyCount += latency.count() - lastLatencyCount;
            lastLatencyMs = total;
            lastLatencyCount = latency.count();
        }
        lastDelivered = delivered;
        lastAttempts = attempts;
        for (Gauge g : meters.find("healthbridge.sink.lag").gauges()) {
            now.sinkLag.put(g.getId().getTag("sink"), g.value());
        }
    }

    /** {@code now} (this minute, as the runtime's clock has it) and the minutes of the last hour, oldest first. */
    public synchronized Map<String, Object> json() {
        Instant now = current().at;
        List<Map<String, Object>> out = new ArrayList<>();
        for (Minute m : minutes) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("at", m.at.toString());
            j.put("events", m.events);
            Map<String, Object> webhooks = new LinkedHashMap<>();
            webhooks.put("delivered", m.delivered);
            webhooks.put("failed", m.failed);
            webhooks.put("latency_ms_mean", m.latencyCount == 0 ? null
                    : Math.round(m.latencyMs / m.latencyCount * 10) / 10.0);
            Map<String, Object> byEndpoint = new LinkedHashMap<>();
            m.endpoints.forEach((id, e) -> byEndpoint.put(id, Map.of("delivered", e[0], "failed", e[1],
                    "latency_ms_mean", Math.round((double) e[2] / Math.max(1, e[0] + e[1]) * 10) / 10.0)));
            webhooks.put("endpoints", byEndpoint);
            j.put("webhooks", webhooks);
            j.put("sink_lag", m.sinkLag);
            out.add(j);
        }
        return Map.of("now", now.toString(), "minutes", out);
    }

    /** The bucket of this minute, dropping those older than the hour. */
    private Minute current() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        if (minutes.isEmpty() || minute.isAfter(minutes.peekLast().at)) {
            minutes.addLast(new Minute(minute));
        }
        while (!minutes.peekFirst().at.isAfter(minute.minus(MINUTES, ChronoUnit.MINUTES))) {
            minutes.removeFirst();
        }
        return minutes.peekLast();
    }
}
