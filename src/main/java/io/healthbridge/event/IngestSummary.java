package io.healthbridge.event;

import java.util.concurrent.atomic.AtomicInteger;

/** What one ingest of a provider payload produced; a poller advances its cursor only once this is complete. */
public final class IngestSummary {

    private final AtomicInteger records = new AtomicInteger();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger deadLettered = new AtomicInteger();

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
               + deadLettered;
    }
}
