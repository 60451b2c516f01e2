package io.healthbridge.security;

import io.healthbridge.quota.QuotaSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed logins from one address never lock the operator out at another. */
class LoginLimiterTest {

    @Test
    void failuresFromOneAddressDoNotLockTheUserOutElsewhere() {
        LoginLimiter limiter = new LoginLimiter(QuotaSpec.parse("5/1m"), QuotaSpec.parse("20/1m"), 1000);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.attempt("203.0.113.66", "admin")).isEmpty();
        }
        assertThat(limiter.attempt("203.0.113.66", "admin")).as("the attacker's sixth try").isPresent();
        assertThat(limiter.attempt("198.51.100.7", "admin")).as("the owner, elsewhere").isEmpty();
        assertThat(limiter.attempt("203.0.113.66", "someone-else")).isEmpty();
    }
}
