package io.healthbridge.config;

import org.apache.camel.CamelContext;

/**
 * Refuses a configuration that would open Camel's management server unsafely. Jolokia can stop routes, read memory
 * and invoke any MBean operation, so it runs only behind the embedded server's basic authentication on its paths.
 * The management server shares the main port: on a port of its own (Camel 4.17) the platform-http routes can no
 * longer find their server.
 */
final class ManagementGuard {

    private ManagementGuard() {
    }

    static void check(CamelContext context) {
        if (!flag(context, "camel.management.enabled")) {
            return;
        }
        String port = text(context, "camel.management.port");
        String server = text(context, "camel.server.port");
        if (!port.equals(server)) {
            throw new IllegalArgumentException("camel.management.port is " + port + " but camel.server.port is " + server
                    + ": Camel's management server must share the main port (camel.management.port = {{camel.server.port}})");
        }
        if (flag(context, "camel.management.jolokia-enabled")
            && !(flag(context, "camel.server.authentication-enabled")
                 && text(context, "camel.server.authentication-path").startsWith("/observe")
                 && !text(context, "camel.server.basic-properties-file").isBlank())) {
            throw new IllegalArgumentException("camel.management.jolokia-enabled needs the embedded server's basic "
                    + "authentication on its paths: camel.server.authentication-enabled = true, "
                    + "camel.server.authentication-path = /observe/* and camel.server.basic-properties-file");
        }
    }

    private static boolean flag(CamelContext context, String key) {
        return Boolean.parseBoolean(text(context, key).trim());
    }

    private static String text(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("");
    }
}
