package io.healthbridge.bench;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The startup baseline of figure 4: a bare camel-main application with one platform-http route (on the same Camel,
 * Vert.x and JVM as the runtime, from the runtime's jar), answering {@code GET /health} with UP. The runtime's
 * startup is reported as a multiple of this one's.
 */
public final class BareCamel {

    private BareCamel() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        // not the runtime's application.properties, which the jar also holds: camel-main's defaults and these
        main.setDefaultPropertyPlaceholderLocation("false");
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("camel.server.port", args[0]);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/health?httpMethodRestrict=GET").routeId("bare-health")
                        .setBody(constant("{\"status\":\"UP\"}"));
            }
        });
        main.run();
    }
}
