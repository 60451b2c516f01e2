package io.healthbridge.security;

import java.time.Duration;
import java.util.Base64;

import io.healthbridge.crypto.SecretBox;
import io.healthbridge.store.Database;
import io.healthbridge.support.MovingClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Passwords, access tokens, refresh rotation with reuse detection, logout and expiry, against a real store. */
class OperatorSessionsTest {

    Database db;
    MovingClock clock = new MovingClock();
    Operators operators;
    OperatorSessions sessions;
    SecretBox box = new SecretBox(new byte[32]);

    @BeforeEach
    void open() {
        db = Database.open("jdbc:h2:mem:ops" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
        operators = new Operators(db.dataSource(), new PasswordHasher(), clock);
        sessions = new OperatorSessions(db.dataSource(), operators, box, clock, Duration.ofMinutes(15), Duration.ofDays(7));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void passwordsAreArgon2idHashesAndOnlyTheRightOneChecksOut() {
        PasswordHasher h = new PasswordHasher();
        String stored = h.hash("correct horse battery");
        assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct horse");
        assertThat(h.hash("correct horse battery")).isNotEqualTo(stored); // salted
        assertThat(h.verify("correct horse battery", stored)).isTrue();
        assertThat(h.verify("correct horse batterY", stored)).isFalse();
        assertThat(h.verify("x", "$2a$10$notours")).isFalse();
        assertThat(h.verify("x", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA")).isFalse(); // cost out of range

        operators.create("Alice", "a-long-password-1", Operators.ADMIN);
        assertThat(operators.check("alice", "a-long-password-1")).isPresent();
        assertThat(operators.check("alice", "wrong-password-11")).isEmpty();
        assertThat(operators.check("nobody", "a-long-password-1")).isEmpty();
    }

    @Test
    void weakOrMalformedOperatorsAreRefusedAndNamesAreUnique() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> operators.create("bob", "short", Operators.ADMIN))
                .hasMessageStartingWith("password:");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> operators.create("bob smith", "a-long-password-1",
                Operators.ADMIN)).hasMessageStartingWith("username:");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> operators.create("bob", "a-long-password-1", "root"))
                .hasMessageStartingWith("role:");
        operators.create("bob", "a-long-password-1", Operators.VIEWER);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> operators.create("BOB", "a-long-password-1",
                Operators.VIEWER)).isInstanceOf(Operators.AlreadyExistsException.class);
    }

    @Test
    void accessTokenNamesOperatorRoleAndExpires() {
        Operators.Operator op = operators.create("viewer1", "a-long-password-1", Operators.VIEWER);
        OperatorSessions.Tokens t = sessions.open(op);
        AuthCheck ok = sessions.verify(t.accessToken());
        assertThat(ok.ok()).isTrue();
        assertThat(ok.principal().name()).isEqualTo("viewer1");
        assertThat(ok.principal().may("GET")).isTrue();
        assertThat(ok.principal().may("POST")).isFalse();
        assertThat(t.expiresIn()).isEqualTo(900);

        clock.now = clock.now.plus(Duration.ofMinutes(16));
        AuthCheck expired = sessions.verify(t.accessToken());
        assertThat(expired.ok()).isFalse();
        assertThat(expired.code()).isEqualTo("AUTH_002");
    }

    @Test
    void forgedTokensAreRefused() {
        Operators.Operator op = operators.create("admin1", "a-long-password-1", Operators.ADMIN);
        String token = sessions.open(op).accessToken();
        String[] parts = token.split("\\.");
        // same signature, payload claiming another subject
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("admin1", "admin2");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                          + "." + parts[2];
        assertThat(sessions.verify(tampered).code()).isEqualTo("AUTH_001");
        // "alg":"none"
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
                      + parts[1] + ".";
        assertThat(sessions.verify(none).ok()).isFalse();
        // a token signed by another installation's key
        try (Database otherDb = Database.open("jdbc:h2:mem:other" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2)) {
            OperatorSessions other = new OperatorSessions(otherDb.dataSource(), operators, box, clock,
                    Duration.ofMinutes(15), Duration.ofDays(7));
            assertThat(other.verify(token).ok()).isFalse();
        }
    }

    @Test
    void refreshRotatesAndAReusedRefreshTokenEndsTheSession() {
        Operators.Operator op = operators.create("admin1", "a-long-password-1", Operators.ADMIN);
        OperatorSessions.Tokens first = sessions.open(op);
        OperatorSessions.Tokens second = sessions.refresh(first.refreshToken()).orElseThrow();
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(sessions.verify(second.accessToken()).ok()).isTrue();

        // the old refresh token again: somebody copied it; the whole session ends
        assertThat(sessions.refresh(first.refreshToken())).isEmpty();
        assertThat(sessions.verify(second.accessToken()).ok()).isFalse();
        assertThat(sessions.refresh(second.refreshToken())).isEmpty();
    }

    @Test
    void logoutEndsAccessAndRefreshAtOnceAndOtherSessionsLive() {
        Operators.Operator op = operators.create("admin1", "a-long-password-1", Operators.ADMIN);
        OperatorSessions.Tokens laptop = sessions.open(op);
        OperatorSessions.Tokens phone = sessions.open(op);
        String sid = sessions.verify(laptop.accessToken()).sessionId();
        assertThat(sessions.revoke(sid)).isTrue();
        assertThat(sessions.verify(laptop.accessToken()).ok()).isFalse();
        assertThat(sessions.refresh(laptop.refreshToken())).isEmpty();
        assertThat(sessions.verify(phone.accessToken()).ok()).isTrue();
    }

    @Test
    void refreshTokensExpireAndAPasswordChangeEndsEverySession() {
        Operators.Operator op = operators.create("admin1", "a-long-password-1", Operators.ADMIN);
        OperatorSessions.Tokens t = sessions.open(op);
        operators.update("admin1", "another-password-2", Operators.VIEWER);
        assertThat(sessions.verify(t.accessToken()).ok()).isFalse();
        assertThat(sessions.refresh(t.refreshToken())).isEmpty();

        OperatorSessions.Tokens later = sessions.open(operators.find("admin1").orElseThrow());
        clock.now = clock.now.plus(Duration.ofDays(8));
        assertThat(sessions.refresh(later.refreshToken())).isEmpty();
    }

    @Test
    void theSigningKeyIsSharedThroughTheStore() {
        Operators.Operator op = operators.create("admin1", "a-long-password-1", Operators.ADMIN);
        String token = sessions.open(op).accessToken();
        // a second instance on the same store accepts the first one's tokens
        OperatorSessions second = new OperatorSessions(db.dataSource(), operators, box, clock, Duration.ofMinutes(15),
                Duration.ofDays(7));
        assertThat(second.verify(token).ok()).isTrue();
    }
}
