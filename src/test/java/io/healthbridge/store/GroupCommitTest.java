package io.healthbridge.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store's group commit: many publishers at once, the same events offered by several of them. Every event
 * is stored once and reported new to exactly one publisher, duplicates in one group included; the events are durable
 * (a second store on the same file sees them all after the first is closed).
 */
class GroupCommitTest {

    @TempDir
    Path data;

    static CanonicalEvent weight(int i) {
        MappingContext ctx = new MappingContext("withings", "user-" + (i % 7), "w-" + (i % 7),
                Instant.parse("2026-11-20T08:00:00Z"), null);
        return EventBuilder.of(DataType.BODY_WEIGHT, ctx).sourceRecordId("grp-" + i)
                .at(OffsetDateTime.parse("2026-11-20T07:00:00+01:00").plusMinutes(i))
                .value(new java.math.BigDecimal("70." + (i % 10)), "kg").build();
    }

    @Test
    void concurrentPublishersStoreEachEventOnceAndLearnWhichWasNew() throws Exception {
        int events = 400;
        int publishers = 16;
        List<CanonicalEvent> all = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            all.add(weight(i));
        }
        Map<String, AtomicInteger> reportedNew = new ConcurrentHashMap<>();
        try (Database db = Database.open(Database.embeddedUrl(data), "sa", "", 10)) {
            JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), true);
            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int offset = p * 37;
                done.add(pool.submit(() -> {
                    // each publisher offers every event, from its own starting point: groups mix new and duplicate
                    for (int k = 0; k < events; k++) {
                        CanonicalEvent e = all.get((offset + k) % events);
                        if (store.insert(e)) {
                            reportedNew.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
        }
        assertThat(reportedNew).hasSize(events);
        assertThat(reportedNew.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        try (Database again = Database.open(Database.embeddedUrl(data), "sa", "", 2)) {
            JdbcEventStore store = new JdbcEventStore(again.dataSource(), Clock.systemUTC());
            assertThat(store.after(0, null, null, null, 10_000)).hasSize(events)
                    .extracting(StoredEvent::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void aBadInsertFailsAloneNotTheOthersInItsGroup() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(data), "sa", "", 10)) {
            JdbcEventStore store = new JdbcEventStore(db.dataSource(), Clock.systemUTC(), true);
            // a time the events table cannot take: the insert fails for a reason other than a duplicate
            CanonicalEvent bad = new CanonicalEvent("bad-1", weight(0).dataType(), "user-x", "not a time",
                    weight(0).data());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Boolean>> good = new ArrayList<>();
            Future<Boolean> failing = pool.submit(() -> store.insert(bad));
            for (int i = 0; i < 50; i++) {
                CanonicalEvent e = weight(1000 + i);
                good.add(pool.submit(() -> store.insert(e)));
            }
            for (Future<Boolean> f : good) {
                assertThat(f.get()).isTrue();
            }
            assertThat(failing).failsWithin(java.time.Duration.ofSeconds(30));
            pool.shutdown();
            assertThat(new JdbcEventStore(db.dataSource(), Clock.systemUTC()).after(0, null, null, null, 1000)).hasSize(50);
        }
    }
}
