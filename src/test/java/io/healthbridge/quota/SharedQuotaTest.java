package io.healthbridge.quota;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.healthbridge.store.Database;
import io.healthbridge.support.Postgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two quota gates on one real PostgreSQL store, as two instances have: callers on both, all at once, take from the
 * same buckets, so together they never exceed the provider app's quota, nor a user's.
 */
class SharedQuotaTest {

    @Test
    void twoInstancesTogetherStayWithinTheAppAndUserQuotas() throws Exception {
        try (Database db = Database.open(Postgres.newDatabase(), "postgres", "", 8)) {
            QuotaGate one = QuotaGate.shared(Clock.systemUTC(), db.dataSource());
            QuotaGate two = QuotaGate.shared(Clock.systemUTC(), db.dataSource());
            for (QuotaGate g : List.of(one, two)) {
                g.configure("oura", QuotaSpec.parse("8/1s"), QuotaSpec.parse("3/1s"));
            }
            ConcurrentLinkedQueue<long[]> taken = new ConcurrentLinkedQueue<>(); // {epoch ms, user}
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> calls = new ArrayList<>();
            long start = System.currentTimeMillis();
            long until = start + 5000;
            for (int t = 0; t < 8; t++) {
                QuotaGate gate = t % 2 == 0 ? one : two;
                int user = t / 2; // every user on both gates
                calls.add(pool.submit(() -> {
                    while (System.currentTimeMillis() < until) {
                        try {
                            gate.acquire("oura", "user-" + user, Duration.ofSeconds(5));
                            taken.add(new long[] {System.currentTimeMillis(), user});
                        } catch (QuotaExhaustedException e) {
                            // waited too long: try again
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : calls) {
                f.get();
            }
            pool.shutdown();
            // the buckets refill at whole seconds of the wall clock: the takes spanned this many refill periods (a take
            // is stamped just after it happened, so this may count one period more, never one less)
            long last = taken.stream().mapToLong(t -> t[0]).max().orElse(until);
            long periods = (last / 1000) - (start / 1000) + 1;
            java.util.Map<Long, Integer> perUser = new java.util.TreeMap<>();
            for (long[] t : taken) {
                perUser.merge(t[1], 1, Integer::sum);
            }
            System.out.printf("SharedQuotaTest: %d requests taken in %d refill periods by 8 callers on 2 gates (app quota "
                              + "8/s, user 3/s); per user %s%n", taken.size(), periods, perUser.values());
            // two gates with buckets of their own would take about twice as much: 16/s, and 6/s per user
            assertThat(taken.size()).as("the quota was used").isGreaterThanOrEqualTo((int) (8 * (periods - 2)));
            assertThat(taken.size()).as("requests within the app quota in sum").isLessThanOrEqualTo((int) (8 * periods));
            assertThat(perUser.values()).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo((int) (3 * periods)));
        }
    }
}
