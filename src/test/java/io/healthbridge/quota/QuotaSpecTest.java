package io.healthbridge.quota;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Quota specs as ops write them in route files. */
class QuotaSpecTest {

    @Test
    void parsesWindows() {
        QuotaSpec q = QuotaSpec.parse("200/15m, 2000/1d");
        assertThat(q.limits()).containsExactly(new QuotaSpec.Limit(200, Duration.ofMinutes(15)),
                new QuotaSpec.Limit(2000, Duration.ofDays(1)));
        assertThat(QuotaSpec.parse("none").isUnlimited()).isTrue();
        assertThat(QuotaSpec.parse("").isUnlimited()).isTrue();
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> QuotaSpec.parse("300")).hasMessageContaining("<requests>/<window>");
        assertThatThrownBy(() -> QuotaSpec.parse("x/1m")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> QuotaSpec.parse("5/1w")).hasMessageContaining("s, m, h or d");
        assertThatThrownBy(() -> QuotaSpec.parse("0/1m")).hasMessageContaining("positive");
    }
}
