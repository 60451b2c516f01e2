package io.healthbridge.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/** The {@code imports} table: jobs, their progress after each published chunk, their end. */
public class ImportStore {

    private final DataSource dataSource;
    private final Clock clock;

    public ImportStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    ImportJob create(String userId, String origin, String fileName, String path, long size) {
        String id = UUID.randomUUID().toString();
        Sql.update(dataSource, "store an import", "INSERT INTO imports (id, user_id, origin, file_name, file_path, "
                + "size_bytes, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, userId, origin, fileName, path,
                size, ImportJob.QUEUED, Timestamp.from(clock.instant()));
        return get(id).orElseThrow();
    }

    public Optional<ImportJob> get(String id) {
        List<ImportJob> jobs = query("SELECT * FROM imports WHERE id = ?", id);
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    }

    public List<ImportJob> ofUser(String userId) {
        return query("SELECT * FROM imports WHERE user_id = ? ORDER BY created_at DESC, id", userId);
    }

    /**
     * The people whose import is under way: running, with progress recorded within {@code quiet} (a job whose
     * instance died stops counting then, though it stays running until a restart goes on with it).
     */
    public Set<String> importing(Duration quiet) {
        Set<String> users = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT user_id FROM imports WHERE status = ? AND updated_at > ?")) {
            ps.setString(1, ImportJob.RUNNING);
            ps.setTimestamp(2, Timestamp.from(clock.instant().minus(quiet)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read imports", e);
        }
        return users;
    }

    /** Jobs a restart must go on with. */
    List<ImportJob> unfinished() {
        return query("SELECT * FROM imports WHERE status IN (?, ?) ORDER BY created_at, id", ImportJob.QUEUED,
                ImportJob.RUNNING);
    }

    /** Marks a job running; false when it is gone (its user was erased). */
    boolean started(String id) {
        Timestamp now = Timestamp.from(clock.instant());
        return Sql.update(dataSource, "start an import", "UPDATE imports SET status = ?, started_at = COALESCE("
                + "started_at, ?), updated_at = ? WHERE id = ?", ImportJob.RUNNING, now, now, id) == 1;
    }

    /**
     * Adds a published chunk's counts and moves the resume point; false when the job is gone (its user was erased).
     */
    boolean progress(ImportJob job, long bytesRead, long elementsRead, long resumeFrom, long committed,
            IngestSummary chunk) {
        Map<String, Integer> skipped = new LinkedHashMap<>(job.skipped());
        if (chunk != null) {
            chunk.skippedByReason().forEach((k, v) -> skipped.merge(k, v, Integer::sum));
        }
        return Sql.update(dataSource, "record an import's progress", "UPDATE imports SET bytes_read = ?, "
                + "elements_read = ?, resume_from = ?, committed = ?, records = records + ?, events = events + ?, "
                + "duplicates = duplicates + ?, dead_letters = dead_letters + ?, skipped = ?, updated_at = ? "
                + "WHERE id = ?", bytesRead, elementsRead, resumeFrom, committed, chunk == null ? 0 : chunk.records(),
                chunk == null ? 0 : chunk.published(), chunk == null ? 0 : chunk.duplicates(),
                chunk == null ? 0 : chunk.deadLettered(), EventJson.write(EventJson.MAPPER.valueToTree(skipped)),
                Timestamp.from(clock.instant()), job.id()) == 1;
    }

    void finish(String id, String status, String error) {
        Timestamp now = Timestamp.from(clock.instant());
        Sql.update(dataSource, "finish an import", "UPDATE imports SET status = ?, error = ?, updated_at = ?, "
                + "finished_at = ? WHERE id = ?", status, error == null ? null : abbreviate(error), now, now, id);
    }

    private static String abbreviate(String s) {
        return s.length() > 1900 ? s.substring(0, 1900) + "…" : s;
    }

    private List<ImportJob> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<ImportJob> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(job(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read imports", e);
        }
    }

    private static ImportJob job(ResultSet rs) throws SQLException {
        String skipped = rs.getString("skipped");
        Map<String, Integer> s = skipped == null ? Map.of()
                : EventJson.MAPPER.convertValue(EventJson.read(skipped), new TypeReference<Map<String, Integer>>() { });
        return new ImportJob(rs.getString("id"), rs.getString("user_id"), rs.getString("origin"),
                rs.getString("file_name"), rs.getString("file_path"), rs.getLong("size_bytes"), rs.getString("status"),
                rs.getLong("bytes_read"), rs.getLong("elements_read"), rs.getLong("resume_from"),
                rs.getLong("committed"), rs.getLong("records"), rs.getLong("events"), rs.getLong("duplicates"),
                rs.getLong("dead_letters"), s, rs.getString("error"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "updated_at"), instant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
