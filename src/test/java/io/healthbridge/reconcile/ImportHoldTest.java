package io.healthbridge.reconcile;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import io.healthbridge.imports.ImportStore;
import io.healthbridge.reconcile.ReconcileQueue.Touch;
import io.healthbridge.store.Database;
import io.healthbridge.store.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The days of a person whose import is under way wait in the queue (recomputed once the import is done, not once per
 * type the export lists); everyone else's are reconciled meanwhile; an import whose progress stopped moving (its
 * instance died) stops holding them.
 */
class ImportHoldTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    static final Duration QUIET = Duration.ofMinutes(2);

    @TempDir
    Path data;

    @Test
    void aPersonsDaysWaitWhileTheirImportMovesAndComeBackWhenItIsDoneOrStalls() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(data), "sa", "", 4)) {
            ReconcileQueue queue = new ReconcileQueue(db.dataSource(), Clock.fixed(NOW, ZoneOffset.UTC));
            queue.add(List.of(new Touch("importer", LocalDate.parse("2026-11-01"), "Z"),
                    new Touch("other", LocalDate.parse("2026-11-01"), "Z"),
                    new Touch("importer", LocalDate.parse("2026-11-02"), "Z")));
            Sql.update(db.dataSource(), "an import", "INSERT INTO imports (id, user_id, origin, file_path, size_bytes, "
                    + "status, created_at, started_at, updated_at) VALUES ('job-1', 'importer', 'upload', '/x', 1, "
                    + "'running', ?, ?, ?)", ts(NOW.minusSeconds(60)), ts(NOW.minusSeconds(60)), ts(NOW.minusSeconds(1)));

            // the import recorded progress a second ago: its person's days wait, the other person's do not
            assertThat(users(queue.next(10, at(db, NOW).importing(QUIET)))).containsExactly("other");
            assertThat(queue.next(10, List.of())).hasSize(3);

            // no progress for longer than the quiet time (its instance died): the days come back
            assertThat(users(queue.next(10, at(db, NOW.plus(QUIET)).importing(QUIET))))
                    .containsExactly("importer", "other", "importer");

            // done: nothing holds them
            Sql.update(db.dataSource(), "done", "UPDATE imports SET status = 'done', updated_at = ?", ts(NOW));
            assertThat(at(db, NOW).importing(QUIET)).isEmpty();
            assertThat(queue.next(10, at(db, NOW).importing(QUIET))).hasSize(3);
        }
    }

    /** The imports as seen at {@code now}. */
    private static ImportStore at(Database db, Instant now) {
        return new ImportStore(db.dataSource(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static List<String> users(List<ReconcileQueue.Pending> pending) {
        return pending.stream().map(p -> p.touch().user()).toList();
    }
}
