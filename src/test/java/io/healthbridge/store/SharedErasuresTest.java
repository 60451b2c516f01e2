package io.healthbridge.store;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.healthbridge.store.ErasureGateTest.GONE;
import static io.healthbridge.store.ErasureGateTest.KEPT;
import static io.healthbridge.store.ErasureGateTest.letter;
import static io.healthbridge.store.ErasureGateTest.weight;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one PostgreSQL store, each with its own pool and its own in-process gate: an erasure on one
 * withholds what work begun before it brings back to the other, waits for the other's write of the person under
 * way, and holds the other's next write of the person until it has committed.
 */
class SharedErasuresTest {

    Database one;
    Database two;

    @BeforeEach
    void open() throws Exception {
        String url = Postgres.newDatabase();
        one = Database.open(url, "postgres", "", 4);
        two = Database.open(url, "postgres", "", 4);
    }

    @AfterEach
    void close() {
        two.close();
        one.close();
    }

    long stored(String user) throws Exception {
        try (Connection c = one.dataSource().getConnection(); var ps = c.prepareStatement(
                "SELECT (SELECT COUNT(*) FROM events WHERE subject = ?) + (SELECT COUNT(*) FROM dead_letters "
                + "WHERE user_id = ?)")) {
            ps.setString(1, user);
            ps.setString(2, user);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void workBegunBeforeAnErasureOnAnotherInstanceIsWithheldThere() throws Exception {
        JdbcEventStore other = new JdbcEventStore(two.dataSource(), Clock.systemUTC());
        long before = ErasureGate.now();
        Thread.sleep(5);
        new UserData(one.dataSource()).erase(GONE, "sha256:x");

        BatchOutcome late = other.insertAll(List.of(weight(GONE, 1), weight(KEPT, 1)), List.of(letter(GONE)), before);
        assertThat(late.withheld()).extracting(CanonicalEvent::subject).containsExactly(GONE);
        assertThat(late.withheldDeadLetters()).hasSize(1);
        assertThat(late.stored()).extracting(CanonicalEvent::subject).containsExactly(KEPT);
        assertThat(other.replace(List.of(), List.of(weight(GONE, 2)), before)).isEmpty();
        assertThat(stored(GONE)).isZero();

        // the same id connected again after the erasure: stored
        assertThat(other.insertAll(List.of(weight(GONE, 3)), List.of(), ErasureGate.now()).stored()).hasSize(1);
    }

    @Test
    void anErasureWaitsForAWriteOfThePersonUnderWayOnAnotherInstance() throws Exception {
        try (Connection writing = two.dataSource().getConnection()) {
            writing.setAutoCommit(false);
            // what a write holds from its check of the marks to its commit
            SharedErasures.admit(writing, List.of(weight(GONE, 1)), List.of(), ErasureGate.now());
            CompletableFuture<Void> erasure = CompletableFuture.runAsync(
                    () -> new UserData(one.dataSource()).erase(GONE, "sha256:x"));
            Thread.sleep(500);
            assertThat(erasure).isNotDone();
            writing.commit();
            erasure.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWriteOfThePersonWaitsForAnErasureUnderWayOnAnotherInstanceThenIsWithheld() throws Exception {
        JdbcEventStore other = new JdbcEventStore(two.dataSource(), Clock.systemUTC());
        long began = ErasureGate.now();
        Thread.sleep(5);
        try (Connection erasing = one.dataSource().getConnection()) {
            erasing.setAutoCommit(false);
            SharedErasures.mark(erasing, GONE, Instant.now());
            CompletableFuture<BatchOutcome> write = CompletableFuture.supplyAsync(
                    () -> other.insertAll(List.of(weight(GONE, 1)), List.of(), began));
            Thread.sleep(500);
            assertThat(write).isNotDone();
            erasing.commit();
            assertThat(write.get(10, TimeUnit.SECONDS).withheld()).hasSize(1);
        }
        assertThat(stored(GONE)).isZero();
    }
}
