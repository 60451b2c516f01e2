package io.healthbridge.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.support.MovingClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

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
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ActivityHistory h = new ActivityHistory(meters, clock);

        h.onEvent(event("oura", DataType.HEART_RATE, 1));
        h.onEvent(event("oura", DataType.HEART_RATE, 2));
        h.onEvent(event("withings", DataType.BODY_WEIGHT, 3));
        meters.counter("healthbridge.webhook.attempts", "outcome", "delivered").increment(5);
        meters.counter("healthbridge.webhook.attempts", "outcome", "server_error").increment(2);
        meters.timer("healthbridge.webhook.latency").record(Duration.ofMillis(10));
        meters.timer("healthbridge.webhook.latency").record(Duration.ofMillis(30));
        h.sample();
        h.onAttempt("ep-1", true, 10);
        h.onAttempt("ep-1", false, 30);
        h.onAttempt("ep-2", true, 5);

        clock.now = clock.now.plusSeconds(60);
        h.onEvent(event("oura", DataType.HEART_RATE, 4));
        meters.counter("healthbridge.webhook.attempts", "outcome", "delivered").increment(1);
        h.sample();
        h.sample(); // nothing new: adds nothing

        List<Map<String, Object>> m = minutes(h);
        assertThat(h.json().get("now")).isEqualTo("2026-11-24T10:01:00Z");
        assertThat(m).hasSize(2);
        assertThat(m.get(0).get("at")).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(m.get(0).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 2L),
                "withings", Map.of("health.body_weight", 1L)));
        assertThat(m.get(0).get("webhooks")).isEqualTo(Map.of("delivered", 5L, "failed", 2L, "latency_ms_mean", 20.0,
                "endpoints", Map.of("ep-1", Map.of("delivered", 1L, "failed", 1L, "latency_ms_mean", 20.0),
                        "ep-2", Map.of("delivered", 1L, "failed", 0L, "latency_ms_mean", 5.0))));
        assertThat(m.get(1).get("events")).isEqualTo(Map.of("oura", Map.of("health.heart_rate", 1L)));
        Map<String, Object> second = (Map<String, Object>) m.get(1).get("webhooks");
        assertThat(second.get("delivered")).isEqualTo(1L);
        assertThat(second.get("failed")).isEqualTo(0L);
        assertThat(second.get("latency_ms_mean")).isNull();

        // an hour on, the first minute is gone; the one of 59 minutes ago is kept
        clock.now = clock.now.plusSeconds(59 * 60);
        assertThat(minutes(h)).extracting(x -> x.get("at")).containsExactly("2026-11-24T10:01:00Z",
                "2026-11-24T11:00:00Z");
        clock.now = clock.now.plusSeconds(60);
        assertThat(minutes(h)).extracting(x -> x.get("at")).containsExactly("2026-11-24T11:00:00Z",
                "2026-11-24T11:01:00Z");
    }
}
