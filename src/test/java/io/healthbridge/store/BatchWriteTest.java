package io.healthbridge.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.support.Postgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A payload's events and dead letters in one transaction, on the embedded store with and without group commit and on
 * PostgreSQL: every event comes back stored, duplicate or refused, in order, and nothing else is lost.
 */
class BatchWriteTest {

    @TempDir
    Path data;

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of("h2 group commit"), Arguments.of("h2"), Arguments.of("postgres"));
    }

    private Database open(String kind) throws Exception {
        return kind.equals("postgres") ? Database.open(Postgres.newDatabase(), "postgres", "", 4)
                : Database.open(Database.embeddedUrl(data), "sa", "", 4);
    }

    static DeadLetter letter(String id) {
        return new DeadLetter(id, "oura", "sleep", "u1", "p1", "UTC", "mapping", "mapping_error", "no bedtime_start",
                "{\"id\":\"x\"}", null, DeadLetter.OPEN, Instant.parse("2026-11-20T08:00:00Z"), null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void eachEventIsStoredDuplicateOrRefusedAndTheDeadLettersCommitWithThem(String kind) throws Exception {
        try (Database db = open(kind)) {
            JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), kind.contains("group"));
            JdbcDeadLetterStore letters = new JdbcDeadLetterStore(db.dataSource());
            CanonicalEvent before = GroupCommitTest.weight(1);
            assertThat(store.insert(before)).isTrue();

            List<CanonicalEvent> batch = new ArrayList<>();
            for (int i = 2; i <= 6; i++) {
                batch.add(GroupCommitTest.weight(i));
            }
            batch.add(GroupCommitTest.weight(3)); // twice in one payload
            batch.add(before);                    // stored by an earlier payload
            BatchOutcome out = store.insertAll(batch, List.of(letter("dl-1"), letter("dl-2")));

            assertThat(out.stored()).extracting(CanonicalEvent::id).containsExactly(
                    batch.get(0).id(), batch.get(1).id(), batch.get(2).id(), batch.get(3).id(), batch.get(4).id());
            assertThat(out.duplicates()).extracting(CanonicalEvent::id).containsExactly(batch.get(1).id(),
                    before.id());
            assertThat(out.refused()).isEmpty();
            assertThat(store.count()).isEqualTo(6);
            assertThat(letters.get("dl-1")).isPresent();
            assertThat(letters.get("dl-2")).isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anEventTheStoreCannotHoldIsRefusedAloneWithTheReason(String kind) throws Exception {
        try (Database db = open(kind)) {
            JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), kind.contains("group"));
            CanonicalEvent good = GroupCommitTest.weight(10);
            CanonicalEvent ok = GroupCommitTest.weight(11);
            CanonicalEvent w = GroupCommitTest.weight(12);
            // a subject longer than the column holds: the store, not the schema, refuses it
            CanonicalEvent tooLong = new CanonicalEvent(w.id(), w.dataType(), "u".repeat(300), w.time(), w.data());
            BatchOutcome out = store.insertAll(List.of(good, tooLong, ok), List.of(letter("dl-3")));

            assertThat(out.stored()).extracting(CanonicalEvent::id).containsExactly(good.id(), ok.id());
            assertThat(out.duplicates()).isEmpty();
            assertThat(out.refused()).hasSize(1);
            assertThat(out.refused().get(0).event().id()).isEqualTo(tooLong.id());
            assertThat(out.refused().get(0).reason()).contains("SQL state 22");
            assertThat(store.count()).isEqualTo(2);
            assertThat(new JdbcDeadLetterStore(db.dataSource()).get("dl-3")).isPresent();
        }
    }
}
