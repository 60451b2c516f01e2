package io.healthbridge.push;

import org.apache.camel.builder.RouteBuilder;

/** Provider push notifications in ({@code push-receive}) and their processing from the inbox ({@code push-process}). */
public class PushRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/providers/{provider}/webhook?httpMethodRestrict=GET,HEAD,POST").routeId("push-receive")
                .process("pushReceiver");
        from("timer:push-process?period={{healthbridge.push.poll-interval-ms}}&delay=500").routeId("push-process")
                .filter().method("maintenance", "isOff")
                    .bean("pushProcessor", "run");
    }
}
