package io.healthbridge.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.store.Database;
import io.healthbridge.store.JdbcEventStore;
import io.healthbridge.support.MovingClock;
import io.healthbridge.support.Postgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's last hour: events per provider and type, webhook attempts and latency, a minute at a time. */
class ActivityHistoryTest {

    static CanonicalEvent event(String provider, DataType type, int n) {
        MappingContext ctx = new MappingContext(provider, "u1", "p1", Instant.parse("2026-11-24T10:00:00Z"), null);
        return EventBuilder.of(type, ctx).sourceRecordId("r" + n)
                .at(OffsetDateTime.parse("2026-11-24T09:00:00Z").plusMinutes(n))
                .value(new BigDecimal(60 + n % 40), type.unit()).build();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> minutes(ActivityHistory h) {
        return (List<Map<String, Object>>) h.json().get("minutes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsEventsAndWebhookAttemptsIntoTheMinuteTheyHappenedInAndKeepsAnHour() {
        MovingClock clock = new MovingClock();
        try (Database db = database()) {
            ActivityHistory h = new ActivityHistory(new SimpleMeterRegistry(), clock,
                    new JdbcEventStore(db.dataSource(), clock));

            h.onEvent(event("oura", DataType.HEART_RATE, 1));
            h.onEvent(event("oura", DataType.HEART_RATE, 2));
            h.onEvent(event("withings", DataType.BODY_WEIGHT, 3));
            h.onAttempt("ep-1", true, 10);
            h.onAttempt("ep-1", false, 30);
            h.onAttempt("ep-2", true, 5);

            clock.now = clock.now.plusSeconds(60);
            h.onEvent(event("oura", DataType.HEART_RATE, 4));
            h.onAttempt("ep-2", true, 7);

            List<Map<String, Object>> m = minutes(h);
            assertThat(h.json().get("now")).isEqualTo("2026-11-24T10:01:00Z");
            assertThat(m).hasSize(2);
            assertThat(m.get(0).get("at")).isEqualTo("2026-11-24T10:00:00Z");
            assertThat(m.get(0).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 2L),
                    "withings", Map.of("health.body_weight", 1L)));
            // the totals are the endpoints' sums: 2 delivered, 1 failed, (10 + 30 + 5) / 3 ms
            assertThat(m.get(0).get("webhooks")).isEqualTo(Map.of("delivered", 2L, "failed", 1L,
                    "latency_ms_mean", 15.0,
                    "endpoints", Map.of("ep-1", Map.of("delivered", 1L, "failed", 1L, "latency_ms_mean", 20.0),
                            "ep-2", Map.of("delivered", 1L, "failed", 0L, "latency_ms_mean", 5.0))));
            assertThat(m.get(1).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 1L)));
            Map<String, Object> second = (Map<String, Object>) m.get(1).get("webhooks");
            assertThat(second.get("delivered")).isEqualTo(1L);
            assertThat(second.get("failed")).isEqualTo(0L);
            assertThat(second.get("latency_ms_mean")).isEqualTo(7.0);

            // an hour on, the first minute is gone; the one of 59 minutes ago is kept
            clock.now = clock.now.plusSeconds(59 * 60);
            assertThat(minutes(h)).extracting(x -> x.get("at")).containsExactly("2026-11-24T10:01:00Z",
                    "2026-11-24T11:00:00Z");
            assertThat(((Map<String, Object>) minutes(h).get(1).get("webhooks")).get("latency_ms_mean")).isNull();
            clock.now = clock.now.plusSeconds(60);
            assertThat(minutes(h)).extracting(x -> x.get("at")).containsExactly("2026-11-24T11:00:00Z",
                    "2026-11-24T11:01:00Z");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"embedded", "postgres"})
    void afterARestartTheHoursStoredEventsAreCountedIntoTheirMinutesOnce(String kind) throws Exception {
        MovingClock clock = new MovingClock();
        try (Database db = kind.equals("postgres") ? Database.open(Postgres.newDatabase(), "postgres", "", 2)
                : database()) {
            JdbcEventStore store = new JdbcEventStore(db.dataSource(), clock);
            clock.now = Instant.parse("2026-11-24T08:30:10Z"); // more than an hour before the restart
            store.insert(event("oura", DataType.HEART_RATE, 1));
            clock.now = Instant.parse("2026-11-24T09:05:10Z");
            store.insert(event("oura", DataType.HEART_RATE, 2));
            store.insert(event("oura", DataType.HEART_RATE, 3));
            store.insert(event("withings", DataType.BODY_WEIGHT, 4));
            clock.now = Instant.parse("2026-11-24T09:59:59Z");
            store.insert(event("oura", DataType.HEART_RATE, 5));

            clock.now = Instant.parse("2026-11-24T10:00:30Z");
            ActivityHistory h = new ActivityHistory(new SimpleMeterRegistry(), clock, store);
            // published after the restart: the bus hands it to the listener, the seed must not count it again
            CanonicalEvent live = event("oura", DataType.HEART_RATE, 6);
            store.insert(live);
            h.onEvent(live);
            h.seed();

            List<Map<String, Object>> m = minutes(h);
            assertThat(m).extracting(x -> x.get("at")).containsExactly("2026-11-24T09:05:00Z",
                    "2026-11-24T09:59:00Z", "2026-11-24T10:00:00Z");
            assertThat(m.get(0).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 2L),
                    "withings", Map.of("health.body_weight", 1L)));
            assertThat(m.get(1).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 1L)));
            assertThat(m.get(2).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 1L)));
        }
    }

    private static Database database() {
        return Database.open("jdbc:h2:mem:activity" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2);
    }
}
