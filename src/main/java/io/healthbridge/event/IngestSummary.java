package io.healthbridge.event;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one ingest of a provider payload produced; a poller advances its cursor only once this is complete. Every record
 * is accounted for: each one ends as published events, duplicates, dead letters or a skip with its reason.
 */
public final class IngestSummary {

    private final AtomicInteger records = new AtomicInteger();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger deadLettered = new AtomicInteger();
    private final Map<String, Integer> skipped = new TreeMap<>();

    public void countRecord() {
        records.incrementAndGet();
    }

    public void countPublished() {
        published.incrementAndGet();
    }

    public void countDuplicate() {
        duplicates.incrementAndGet();
    }

    public void countDeadLettered() {
        deadLettered.incrementAndGet();
    }

    /** A record left out on purpose, by reason code. */
    public synchronized void countSkipped(String reason) {
        skipped.merge(reason, 1, Integer::sum);
    }

    public synchronized int skipped() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Skipped records by reason code. */
    public synchronized Map<String, Integer> skippedByReason() {
        return Map.copyOf(skipped);
    }

    /** Adds what another part of the same ingest produced (a page of a poll). */
    public void add(IngestSummary part) {
        records.addAndGet(part.records());
        published.addAndGet(part.published());
        duplicates.addAndGet(part.duplicates());
        deadLettered.addAndGet(part.deadLettered());
        part.skippedByReason().forEach((reason, n) -> {
            synchronized (this) {
                skipped.merge(reason, n, Integer::sum);
            }
        });
    }

    public int records() {
        return records.get();
    }

    public int published() {
        return published.get();
    }

    public int duplicates() {
        return duplicates.get();
    }

    public int deadLettered() {
        return deadLettered.get();
    }

    @Override
    public String toString() {
        return "records=" + records + " published=" + published + " duplicates=" + duplicates + " dead_lettered="
               + deadLettered + " skipped=" + skippedByReason();
    }
}
