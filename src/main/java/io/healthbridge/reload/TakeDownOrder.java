package io.healthbridge.reload;

import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

/**
 * The order a file's routes are taken down in: routes fed by another route of the JVM go last. Taken down first, the
 * feeder's next exchange would wait for a consumer (direct: and kamelet: producers block up to 30 s by default) and
 * the feeder's own stop would wait for that exchange until the shutdown timeout, holding every reload behind it.
 */
final class TakeDownOrder {

    private static final Set<String> IN_JVM = Set.of("direct", "seda", "kamelet", "vm", "disruptor", "disruptor-vm");

    private TakeDownOrder() {
    }

    /** True when the route's consumer is an endpoint only another route (or a Kamelet's) of this JVM sends to. */
    static boolean fedInternally(CamelContext context, Model model, String id) {
        RouteDefinition def = model.getRouteDefinition(id);
        Route route = context.getRoute(id);
        String uri = def != null && def.getInput() != null ? def.getInput().getEndpointUri()
                : route != null ? route.getEndpoint().getEndpointUri() : null;
        int colon = uri == null ? -1 : uri.indexOf(':');
        return colon > 0 && IN_JVM.contains(uri.substring(0, colon));
    }
}
