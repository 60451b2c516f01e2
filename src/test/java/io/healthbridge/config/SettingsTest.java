package io.healthbridge.config;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Typed configuration: values read as their kind, a malformed one refused with its key, a missing one named. */
class SettingsTest {

    static Settings settings(String... keyValues) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(p);
        return new Settings(context);
    }

    @Test
    void valuesAreReadAsTheirKind() {
        Settings s = settings("a.flag", "true", "a.count", "16", "a.ms", "15000", "a.ttl", "7d", "a.schedule",
                "0s,5s,5m", "a.rate", "1200/1m");
        assertThat(s.flag("a.flag")).isTrue();
        assertThat(s.integer("a.count")).isEqualTo(16);
        assertThat(s.millis("a.ms")).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.duration("a.ttl")).isEqualTo(Duration.ofDays(7));
        assertThat(s.durations("a.schedule")).isEqualTo(List.of(Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofMinutes(5)));
        assertThat(s.rate("a.rate")).isNotNull();
    }

    @Test
    void aMalformedValueIsRefusedWithItsKey() {
        Settings s = settings("a.flag", "yes", "a.count", "16 threads", "a.ttl", "0s,5s");
        assertThatThrownBy(() -> s.flag("a.flag")).hasMessage("a.flag is 'yes': it must be true or false");
        assertThatThrownBy(() -> s.integer("a.count")).hasMessage("a.count is '16 threads': it must be a whole number");
        assertThatThrownBy(() -> s.duration("a.ttl")).hasMessageStartingWith("a.ttl is '0s,5s': it must be one duration");
    }

    @Test
    void aMissingKeyIsNamed() {
        assertThatThrownBy(() -> settings().text("healthbridge.nothing"))
                .hasMessageContaining("healthbridge.nothing is missing");
    }
}
