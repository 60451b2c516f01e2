package io.healthbridge.config;

/**
 * Refuses a configuration that would open Camel's management server where the API's admin authentication
 * ({@link io.healthbridge.http.ObserveGuard}) does not guard it: the management server shares the main port. On a port
 * of its own it would be unguarded, and (Camel 4.17) the platform-http routes could no longer find their server.
 */
final class ManagementGuard {

    private ManagementGuard() {
    }

    static void check(Settings settings) {
        if (!flag(settings, "camel.management.enabled")) {
            return;
        }
        String port = settings.optional("camel.management.port");
        String server = settings.optional("camel.server.port");
        if (!port.equals(server)) {
            throw new IllegalArgumentException("camel.management.port is " + port + " but camel.server.port is " + server
                    + ": Camel's management server must share the main port (camel.management.port = {{camel.server.port}})");
        }
    }

    private static boolean flag(Settings settings, String key) {
        return Boolean.parseBoolean(settings.optional(key));
    }
}
