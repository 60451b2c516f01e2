package io.healthbridge.delivery.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry schedule: each step with ±20 % jitter, never before the receiver's Retry-After, and an end. */
class RetryPolicyTest {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final List<Duration> SCHEDULE = List.of(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(5));

    @Test
    void eachStepIsJitteredWithinTwentyPercent() {
        assertThat(new RetryPolicy(SCHEDULE, () -> 0.0).next(NOW, 1, null)).isEqualTo(NOW.plusSeconds(8));
        assertThat(new RetryPolicy(SCHEDULE, () -> 1.0).next(NOW, 1, null)).isEqualTo(NOW.plusSeconds(12));
        assertThat(new RetryPolicy(SCHEDULE, () -> 0.5).next(NOW, 2, null)).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(new RetryPolicy(SCHEDULE, () -> 0.9).next(NOW, 0, null)).as("an immediate step stays immediate")
                .isEqualTo(NOW);
    }

    @Test
    void retryAfterIsALowerBound() {
        RetryPolicy p = new RetryPolicy(SCHEDULE, () -> 0.5);
        assertThat(p.next(NOW, 1, Duration.ofSeconds(120))).isEqualTo(NOW.plusSeconds(120));
        assertThat(p.next(NOW, 1, Duration.ofSeconds(1))).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void theScheduleEnds() {
        assertThat(new RetryPolicy(SCHEDULE, () -> 0.5).next(NOW, 3, Duration.ofSeconds(1))).isNull();
    }

    @Test
    void retryAfterIsReadInSecondsAndNothingElse() {
        assertThat(RetryPolicy.seconds("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryPolicy.seconds(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(RetryPolicy.seconds("-5")).isEqualTo(Duration.ZERO);
        assertThat(RetryPolicy.seconds("Wed, 21 Oct 2026 07:28:00 GMT")).isNull();
    }
}
