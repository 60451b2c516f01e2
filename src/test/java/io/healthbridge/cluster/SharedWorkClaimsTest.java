package io.healthbridge.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.healthbridge.backfill.Backfill;
import io.healthbridge.backfill.BackfillStore;
import io.healthbridge.push.PushInbox;
import io.healthbridge.store.Database;
import io.healthbridge.support.MovingClock;
import io.healthbridge.support.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work items two instances share through one PostgreSQL store: a push notification and a backfill chunk are each
 * claimed by exactly one of many racing claimers, and a claim whose instance died runs out and can be taken again.
 */
class SharedWorkClaimsTest {

    static Database db;
    static final MovingClock clock = new MovingClock();

    @BeforeAll
    static void open() throws Exception {
        db = Database.open(Postgres.newDatabase(), "postgres", "", 16);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** How many of 8 racing callers got true. */
    static int race(Callable<Boolean> claim) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = pool.invokeAll(java.util.Collections.nCopies(8, claim));
            int won = 0;
            for (Future<Boolean> f : results) {
                won += f.get() ? 1 : 0;
            }
            return won;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aPushNotificationIsProcessedByOneInstanceAndAgainOnlyAfterItsClaimRunsOut() throws Exception {
        PushInbox one = new PushInbox(db.dataSource(), clock);
        PushInbox two = new PushInbox(db.dataSource(), clock);
        String id = one.add("oura", "c-1", List.of("sleep"), "{}");
        assertThat(two.due(10)).extracting(PushInbox.Notification::id).contains(id);
        Instant lease = clock.now.plus(Duration.ofMinutes(5));
        int[] turn = {0};
        assertThat(race(() -> (turn[0]++ % 2 == 0 ? one : two).claim(id, lease))).isEqualTo(1);
        assertThat(two.due(10)).extracting(PushInbox.Notification::id).doesNotContain(id);
        // the claiming instance died: after the lease the notification is due again, for one claimer
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(two.due(10)).extracting(PushInbox.Notification::id).contains(id);
        assertThat(race(() -> two.claim(id, clock.now.plus(Duration.ofMinutes(5))))).isEqualTo(1);
        // processed: never due again
        two.processed(id);
        clock.now = clock.now.plus(Duration.ofHours(1));
        assertThat(one.due(10)).extracting(PushInbox.Notification::id).doesNotContain(id);
    }

    @Test
    void aBackfillChunkRunsOnOneInstanceAndMovesOnOnlyOnce() throws Exception {
        BackfillStore one = new BackfillStore(db.dataSource(), clock);
        BackfillStore two = new BackfillStore(db.dataSource(), clock);
        Backfill b = one.create("c-2", "oura", List.of("heartrate"), clock.now.minus(Duration.ofDays(30)), clock.now, 30);
        Backfill seenByTwo = two.get(b.id()).orElseThrow();
        assertThat(race(() -> one.claim(b, clock.now.plus(Duration.ofMinutes(5))))).isEqualTo(1);
        assertThat(two.claim(seenByTwo, clock.now.plus(Duration.ofMinutes(5)))).isFalse();
        // the chunk is done and saved (the claim released): the position moved, the old view claims nothing
        Backfill next = new Backfill(b.id(), b.connectionId(), b.provider(), b.datasets(), b.from(), b.to(), b.status(),
                b.chunksTotal(), b.chunksDone() + 1, b.datasetIndex(), b.windowStart().plus(Duration.ofDays(1)), 0,
                b.eventsPublished(), b.duplicates(), b.deadLettered(), b.errors(), b.lastError(), b.createdAt(),
                b.updatedAt(), null);
        one.save(next);
        assertThat(two.claim(seenByTwo, clock.now.plus(Duration.ofMinutes(5)))).isFalse();
        Backfill fresh = two.get(b.id()).orElseThrow();
        assertThat(race(() -> two.claim(fresh, clock.now.plus(Duration.ofMinutes(5))))).isEqualTo(1);
        // that instance died mid-chunk: after the lease another takes the same chunk
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(one.claim(one.get(b.id()).orElseThrow(), clock.now.plus(Duration.ofMinutes(5)))).isTrue();
    }
}
