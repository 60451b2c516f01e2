package io.healthbridge.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.healthbridge.event.CanonicalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person's events in a window (the reconciler's day, the person view): only that person's events of the types
 * asked, in the window, in time order; and the embedded store reads them through the (subject, event_time) index,
 * not through every event the person ever had.
 */
class EventWindowTest {

    @TempDir
    Path data;

    @Test
    void aWindowHoldsThePersonsEventsOfTheTypesInTimeOrder() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(data), "sa", "", 4)) {
            JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), false);
            List<CanonicalEvent> all = new ArrayList<>();
            for (int i = 0; i < 70; i++) {
                all.add(GroupCommitTest.weight(i)); // user-(i % 7), one minute apart from 06:00Z
            }
            store.insertAll(all, List.of());
            Instant from = Instant.parse("2026-11-20T06:10:00Z");
            Instant to = Instant.parse("2026-11-20T06:40:00Z");

            List<StoredEvent> found = store.inWindow("user-3", List.of("health.body_weight", "health.heart_rate"), from, to);

            // user-3 is every 7th minute: 06:10, 06:17, 06:24, 06:31, 06:38 (06:45 is past the window's end)
            assertThat(found).extracting(StoredEvent::id).containsExactly(all.get(10).id(), all.get(17).id(),
                    all.get(24).id(), all.get(31).id(), all.get(38).id());
            assertThat(store.inWindow("user-3", "health.heart_rate", from, to)).isEmpty();
            assertThat(store.inWindow("user-3", List.of(), from, to)).isEmpty();
        }
    }

    @Test
    void theEmbeddedStoreReadsAWindowThroughThePersonsTimeIndex() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(data), "sa", "", 4);
             Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + JdbcEventStore.windowSql(3))) {
            ps.setString(1, "user-3");
            ps.setTimestamp(2, Timestamp.from(Instant.parse("2026-11-20T00:00:00Z")));
            ps.setTimestamp(3, Timestamp.from(Instant.parse("2026-11-21T00:00:00Z")));
            ps.setString(4, "health.steps");
            ps.setString(5, "health.heart_rate");
            ps.setString(6, "health.sleep_session");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String plan = rs.getString(1);
                // the index narrows by person and time; through events_subject_seq it would read the person's history
                assertThat(plan).contains("EVENTS_SUBJECT_TIME").contains("SUBJECT = ?1").contains("EVENT_TIME >= ?2");
            }
        }
    }
}
