package io.healthbridge.backfill;

import java.time.Instant;
import java.util.List;

/** A backfill job and its position: the next chunk is {@code datasets[datasetIndex]} from {@code windowStart}. */
public record Backfill(String id, String connectionId, String provider, List<String> datasets, Instant from, Instant to,
        String status, int chunksTotal, int chunksDone, int datasetIndex, Instant windowStart, int chunkAttempts,
        long eventsPublished, long duplicates, long deadLettered, int errors, String lastError, Instant createdAt,
        Instant updatedAt, Instant finishedAt) {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}
