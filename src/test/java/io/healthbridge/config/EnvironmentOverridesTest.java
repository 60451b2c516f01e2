package io.healthbridge.config;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Environment variables override declared keys exactly, including the ones camel-main would skip. */
class EnvironmentOverridesTest {

    private static final Set<String> DECLARED = Set.of("camel.server.port", "camel.main.shutdown-timeout",
            "healthbridge.routes.reload-interval-ms", "healthbridge.routes.dir");

    @Test
    void declaredKeysAreMatchedWithTheirDashes() {
        Properties p = EnvironmentOverrides.from(Map.of(
                "CAMEL_SERVER_PORT", "9000",
                "CAMEL_MAIN_SHUTDOWN_TIMEOUT", "5",
                "HEALTHBRIDGE_ROUTES_RELOAD_INTERVAL_MS", "250"), DECLARED);
        assertThat(p).containsEntry("camel.server.port", "9000")
                .containsEntry("camel.main.shutdown-timeout", "5")
                .containsEntry("healthbridge.routes.reload-interval-ms", "250")
                .hasSize(3);
    }

    @Test
    void undeclaredKeysBecomeDottedAndOtherVariablesAreIgnored() {
        Properties p = EnvironmentOverrides.from(Map.of(
                "HEALTHBRIDGE_NEW_THING", "x",
                "HEALTHBRIDGE_CONFIG", "/etc/hb.properties",
                "HEALTHBRIDGE_MAX_HEAP", "512m",
                "HEALTHBRIDGE_CLASS_ARCHIVE", "none",
                "PATH", "/usr/bin",
                "HOME", "/root"), DECLARED);
        assertThat(p).containsEntry("healthbridge.new.thing", "x").hasSize(1);
    }

    @Test
    void envNameOfAKey() {
        assertThat(EnvironmentOverrides.envName("healthbridge.routes.reload-interval-ms"))
                .isEqualTo("HEALTHBRIDGE_ROUTES_RELOAD_INTERVAL_MS");
    }
}
