package io.healthbridge.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.store.BatchOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code healthbridge.events.published} and {@code healthbridge.events.duplicate} by provider and type, and the
 * payload's summary. A batch is counted once per (provider, type), and each counter is found once and kept: a
 * registry look-up builds its id and tags on every call.
 */
final class PublishCounters {

    /** The skip reason of what was made for a person erased while it was being fetched. */
    static final String PERSON_ERASED = "person_erased";

    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

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

    /**
     * What the store withheld because its person was erased after the work that made it began: each event and dead
     * letter a skip ({@code healthbridge.records.skipped}, reason {@value #PERSON_ERASED}) in the payload's summary.
     */
    void withheld(BatchOutcome outcome, IngestSummary summary) {
        int n = outcome.withheld().size() + outcome.withheldDeadLetters().size();
        if (n == 0) {
            return;
        }
        String provider = outcome.withheld().isEmpty() ? outcome.withheldDeadLetters().get(0).provider()
                : outcome.withheld().get(0).provider();
        meters.counter("healthbridge.records.skipped", "provider", provider, "reason", PERSON_ERASED).increment(n);
        LOG.info("Withheld {} events and dead letters of {}: their person was erased while they were being fetched", n,
                provider);
        if (summary != null) {
            for (int i = 0; i < n; i++) {
                summary.countSkipped(PERSON_ERASED);
            }
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
