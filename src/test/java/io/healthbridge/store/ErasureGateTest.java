package io.healthbridge.store;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What was made of a person's data by work that began before their erasure never reaches the store after it; work
 * that began after it does; while the erasure runs, a write that carries the person waits for its end (and one that
 * reaches the gate meanwhile fails whole, to be made again), and nobody else's is held up; beginning an erasure waits
 * for the writes already past the gate.
 */
class ErasureGateTest {

    static final String GONE = "gone-1";
    static final String KEPT = "kept-1";

    @TempDir
    Path data;
    Database db;

    @BeforeEach
    void open() {
        db = Database.open(Database.embeddedUrl(data), "sa", "", 4);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static CanonicalEvent weight(String user, int i) {
        MappingContext ctx = new MappingContext("withings", user, "w-" + user, Instant.parse("2026-11-20T08:00:00Z"),
                null);
        return EventBuilder.of(DataType.BODY_WEIGHT, ctx).sourceRecordId("g-" + user + "-" + i)
                .at(OffsetDateTime.parse("2026-11-20T07:00:00+01:00").plusMinutes(i))
                .value(new BigDecimal("70." + i), "kg").build();
    }

    static DeadLetter letter(String user) {
        return new DeadLetter(UUID.randomUUID().toString(), "withings", "weight", user, "w-" + user, "UTC", "mapping",
                "mapping_error", "a record without a value", "{\"raw\":true}", null, DeadLetter.OPEN, Instant.now(),
                null, null);
    }

    long stored(String user) throws Exception {
        return count("SELECT COUNT(*) FROM events WHERE subject = '" + user + "'")
               + count("SELECT COUNT(*) FROM dead_letters WHERE user_id = '" + user + "'");
    }

    long count(String sql) throws Exception {
        try (var c = db.dataSource().getConnection(); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest(name = "group commit {0}")
    @ValueSource(booleans = {true, false})
    void workBegunBeforeTheErasureIsWithheldAndWorkBegunAfterIsStored(boolean groupCommit) throws Exception {
        JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), groupCommit);
        long before = ErasureGate.now();
        store.erasureGate().erasing(GONE);
        store.erasureGate().erased(GONE);

        BatchOutcome late = store.insertAll(List.of(weight(GONE, 1), weight(KEPT, 1), weight(GONE, 2)),
                List.of(letter(GONE), letter(KEPT)), before);
        assertThat(late.withheld()).extracting(CanonicalEvent::subject).containsExactly(GONE, GONE);
        assertThat(late.withheldDeadLetters()).extracting(DeadLetter::userId).containsExactly(GONE);
        assertThat(late.stored()).extracting(CanonicalEvent::subject).containsExactly(KEPT);
        assertThat(store.insert(weight(GONE, 3), before)).isFalse();
        assertThat(stored(GONE)).isZero();
        assertThat(stored(KEPT)).isEqualTo(2);

        // the person connects again after the erasure: what that work brings is theirs to keep
        BatchOutcome again = store.insertAll(List.of(weight(GONE, 4)), List.of(letter(GONE)), ErasureGate.now());
        assertThat(again.stored()).hasSize(1);
        assertThat(again.withheld()).isEmpty();
        assertThat(stored(GONE)).isEqualTo(2);
    }

    @Test
    void theNoticeOfTheErasureIsStoredWhateverItsWorkBegan() throws Exception {
        JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), true);
        long before = ErasureGate.now();
        store.erasureGate().erasing(GONE);
        store.erasureGate().erased(GONE);
        MappingContext ctx = new MappingContext("healthbridge", GONE, null, Instant.now(), null);
        CanonicalEvent notice = EventBuilder.of(DataType.USER_ERASED, ctx).sourceRecordId("user")
                .at(OffsetDateTime.now()).build();
        assertThat(store.insert(notice, before)).isTrue();
    }

    @ParameterizedTest(name = "group commit {0}")
    @ValueSource(booleans = {true, false})
    void aWriteOfAPersonBeingErasedWaitsForTheErasureThenIsWithheld(boolean groupCommit) throws Exception {
        JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), groupCommit);
        store.erasureGate().erasing(GONE);
        long began = ErasureGate.now();
        CompletableFuture<BatchOutcome> write = CompletableFuture.supplyAsync(() -> store.insertAll(
                List.of(weight(KEPT, 1), weight(GONE, 1)), List.of(letter(GONE)), began));
        // someone else's write is not held up
        assertThat(store.insert(weight(KEPT, 2))).isTrue();
        Thread.sleep(300);
        assertThat(write).isNotDone();
        assertThat(stored(GONE)).isZero();

        store.erasureGate().erased(GONE);
        BatchOutcome outcome = write.get(5, TimeUnit.SECONDS);
        assertThat(outcome.stored()).extracting(CanonicalEvent::subject).containsExactly(KEPT);
        assertThat(outcome.withheld()).extracting(CanonicalEvent::subject).containsExactly(GONE);
        assertThat(outcome.withheldDeadLetters()).hasSize(1);
        assertThat(stored(GONE)).isZero();
    }

    @Test
    void aWriteWaitingForAnErasureThatFailsGoesThrough() throws Exception {
        JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), true);
        store.erasureGate().erasing(GONE);
        CompletableFuture<BatchOutcome> write = CompletableFuture.supplyAsync(() -> store.insertAll(
                List.of(weight(GONE, 1)), List.of(), ErasureGate.now()));
        Thread.sleep(300);
        assertThat(write).isNotDone();
        store.erasureGate().reopen(GONE);
        assertThat(write.get(5, TimeUnit.SECONDS).stored()).hasSize(1);
        assertThat(stored(GONE)).isEqualTo(1);
    }

    @Test
    void aWriteThatReachesTheGateWhileThePersonIsBeingErasedFailsWhole() {
        // what a write finds when it stopped waiting (its time ran out) or the erasure began after it looked
        ErasureGate gate = new ErasureGate();
        gate.erasing(GONE);
        assertThatThrownBy(() -> gate.admit(List.of(weight(KEPT, 1), weight(GONE, 1)), List.of(), ErasureGate.now()))
                .isInstanceOf(StoreException.class).hasMessageContaining("being erased");
        assertThatThrownBy(() -> gate.admit(List.of(), List.of(letter(GONE)), ErasureGate.now()))
                .isInstanceOf(StoreException.class);
        assertThat(gate.admit(List.of(weight(KEPT, 1)), List.of(letter(KEPT)), ErasureGate.now()).events()).hasSize(1);
    }

    @Test
    void beginningAnErasureWaitsForTheWritesAlreadyPastTheGate() throws Exception {
        ErasureGate gate = new ErasureGate();
        Lock write = gate.writes();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            write.lock();
            try {
                holding.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                write.unlock();
            }
        });
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> erasure = CompletableFuture.runAsync(() -> gate.erasing(GONE));
        Thread.sleep(300);
        assertThat(erasure).isNotDone();
        assertThat(gate.isErasing(GONE)).isTrue();
        release.countDown();
        erasure.get(5, TimeUnit.SECONDS);
        writer.get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "group commit {0}")
    @ValueSource(booleans = {true, false})
    void anErasureBeginsOnlyOnceTheStoresWriteUnderWayHasCommitted(boolean groupCommit) throws Exception {
        CountDownLatch committing = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        boolean[] hold = {false};
        // the store's connections, with a commit that waits when told to: a write caught between insert and commit
        javax.sql.DataSource held = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (ds, m, args) -> {
                    Object out = m.invoke(db.dataSource(), args);
                    if (!m.getName().equals("getConnection")) {
                        return out;
                    }
                    java.sql.Connection real = (java.sql.Connection) out;
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (c, cm, cargs) -> {
                                if (cm.getName().equals("commit") && hold[0]) {
                                    committing.countDown();
                                    commit.await(10, TimeUnit.SECONDS);
                                }
                                return cm.invoke(real, cargs);
                            });
                });
        JdbcEventStore store = new JdbcEventStore(held, Clock.systemUTC(), groupCommit);
        hold[0] = true;
        CompletableFuture<BatchOutcome> write = CompletableFuture.supplyAsync(() -> store.insertAll(
                List.of(weight(GONE, 1)), List.of(), ErasureGate.now()));
        assertThat(committing.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> erasure = CompletableFuture.runAsync(() -> store.erasureGate().erasing(GONE));
        Thread.sleep(300);
        // the erasure's delete must see that write: it may not begin before the commit
        assertThat(erasure).isNotDone();
        hold[0] = false;
        commit.countDown();
        erasure.get(5, TimeUnit.SECONDS);
        assertThat(write.get(5, TimeUnit.SECONDS).stored()).hasSize(1);
    }

    @Test
    void anErasureHoldsBackOnlyItsPersonsEarlierWork() {
        ErasureGate gate = new ErasureGate();
        long before = ErasureGate.now();
        gate.erased(GONE);
        assertThat(gate.admits(GONE, before)).isFalse();
        assertThat(gate.admits(GONE, ErasureGate.now())).isTrue();
        assertThat(gate.admits(KEPT, before)).isTrue();
    }
}
