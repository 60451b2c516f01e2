package io.healthbridge.imports;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An import of one Apple Health export for one user, as stored: where its file is, how far it got (bytes of the file,
 * elements of the document; {@code resumeFrom}/{@code committed} say where a restart goes on), and what became of
 * what it read (the publish path's counts).
 */
public record ImportJob(String id, String userId, String origin, String fileName, String filePath, long sizeBytes,
        String status, long bytesRead, long elementsRead, long resumeFrom, long committed, long records, long events,
        long duplicates, long deadLetters, Map<String, Integer> skipped, String error, Instant createdAt,
        Instant startedAt, Instant updatedAt, Instant finishedAt) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    public boolean finished() {
        return DONE.equals(status) || FAILED.equals(status);
    }

    /** Percent of the file read (of its compressed bytes for a zip), 0 to 100. */
    public double percent() {
        if (DONE.equals(status)) {
            return 100;
        }
        return sizeBytes <= 0 ? 0 : Math.min(100, Math.floor(1000.0 * bytesRead / sizeBytes) / 10);
    }

    /** The time left at the pace so far, or null before there is a pace (or after the end). */
    public Duration eta(Instant now) {
        if (!RUNNING.equals(status) || startedAt == null || bytesRead <= 0 || sizeBytes <= bytesRead) {
            return null;
        }
        double perByte = (double) Duration.between(startedAt, now).toMillis() / bytesRead;
        return Duration.ofMillis((long) (perByte * (sizeBytes - bytesRead)));
    }

    /** The job as the API shows it: never the path of its file on this machine. */
    public Map<String, Object> toJson(Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("user_id", userId);
        out.put("origin", origin);
        out.put("file_name", fileName);
        out.put("size_bytes", sizeBytes);
        out.put("status", status);
        out.put("percent", percent());
        Duration eta = eta(now);
        out.put("eta_seconds", eta == null ? null : eta.toSeconds());
        out.put("bytes_read", bytesRead);
        out.put("elements_read", elementsRead);
        out.put("records", records);
        out.put("events", events);
        out.put("duplicates", duplicates);
        out.put("dead_letters", deadLetters);
        out.put("skipped", skipped);
        out.put("error", error);
        out.put("created_at", text(createdAt));
        out.put("started_at", text(startedAt));
        out.put("updated_at", text(updatedAt));
        out.put("finished_at", text(finishedAt));
        return out;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
