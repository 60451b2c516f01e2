package io.healthbridge.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.IngestSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code healthbridge.events.published} and {@code healthbridge.events.duplicate} by provider and type, and the
 * payload's summary. A batch is counted once per (provider, type), and each counter is found once and kept: a
 * registry look-up builds its id and tags on every call.
 */
final class PublishCounters {

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    PublishCounters(MeterRegistry meters) {
        this.meters = meters;
    }

    void published(List<CanonicalEvent> events, IngestSummary summary) {
        count("healthbridge.events.published", events);
        if (summary != null) {
            events.forEach(e -> summary.countPublished());
        }
    }

    void duplicates(List<CanonicalEvent> events, IngestSummary summary) {
        count("healthbridge.events.duplicate", events);
        if (summary != null) {
            events.forEach(e -> summary.countDuplicate());
        }
    }

    private void count(String name, List<CanonicalEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        Map<String, int[]> byTags = new HashMap<>();
        for (CanonicalEvent e : events) {
            byTags.computeIfAbsent(e.provider() + '\n' + e.type(), k -> new int[1])[0]++;
        }
        byTags.forEach((tags, n) -> counters.computeIfAbsent(name + '\n' + tags, k -> {
            int cut = tags.indexOf('\n');
            return meters.counter(name, "provider", tags.substring(0, cut), "type", tags.substring(cut + 1));
        }).increment(n[0]));
    }
}
