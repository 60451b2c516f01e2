package io.healthbridge.reload;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.model.RouteDefinition;

/**
 * A route file as it runs: what it defines, its route definitions in the model, and the routes Camel made for it
 * beyond those (the routes its {@code kamelet:} endpoints create).
 */
record LoadedFile(String content, FileDefinitions defs, List<RouteDefinition> routes, List<String> derived) {

    List<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        routes.forEach(r -> ids.add(r.getRouteId()));
        ids.addAll(derived);
        return List.copyOf(ids);
    }
}
