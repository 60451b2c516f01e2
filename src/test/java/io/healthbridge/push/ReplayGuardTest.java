package io.healthbridge.push;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import io.healthbridge.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay guard: one claim per signature within the window, released when the notification was not stored. */
class ReplayGuardTest {

    Database db;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    ReplayGuard guard;

    @BeforeEach
    void open() {
        db = Database.open("jdbc:h2:mem:replay" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        guard = new ReplayGuard(db.dataSource(), clock, Duration.ofMinutes(5));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theSecondCopyOfASignatureIsAReplayPerProvider() {
        assertThat(guard.claim("oura", "sig-a")).isTrue();
        assertThat(guard.claim("oura", "sig-a")).isFalse();
        assertThat(guard.claim("whoop", "sig-a")).as("another provider's signature space").isTrue();
        assertThat(guard.claim("oura", "sig-b")).isTrue();
    }

    @Test
    void aReleasedClaimAcceptsTheProvidersRetry() {
        assertThat(guard.claim("oura", "sig-r")).isTrue();
        guard.release("oura", "sig-r");
        assertThat(guard.claim("oura", "sig-r")).as("the retry of a notification that was not stored").isTrue();
        assertThat(guard.claim("oura", "sig-r")).isFalse();
    }

    @Test
    void aSignatureIsForgottenOnlyAfterTwiceTheWindow() {
        assertThat(guard.claim("oura", "sig-old")).isTrue();
        now.set(now.get().plus(Duration.ofMinutes(9)));
        assertThat(guard.claim("oura", "sig-old")).as("still remembered within twice the window").isFalse();
        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(guard.claim("oura", "sig-old")).as("purged after it").isTrue();
    }
}
