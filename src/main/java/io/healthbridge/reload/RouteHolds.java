package io.healthbridge.reload;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.camel.model.RouteDefinition;

/** Which routes of a file an operator holds down, and the autoStartup their file gave them. */
final class RouteHolds {

    private Predicate<String> held = id -> false;
    /** The autoStartup a held route's file gave it, to restore when it is no longer held. */
    private final Map<RouteDefinition, String> fileAutoStartup = new IdentityHashMap<>();

    void setHeld(Predicate<String> held) {
        this.held = held;
    }

    /**
     * Leaves the held routes among {@code routes} unstarted (autoStartup false) and gives the others back the
     * autoStartup their file said, should an earlier hold have changed it.
     */
    void holdBack(List<RouteDefinition> routes) {
        for (RouteDefinition def : routes) {
            if (held.test(def.getRouteId())) {
                fileAutoStartup.putIfAbsent(def, String.valueOf(def.getAutoStartup()));
                def.setAutoStartup("false");
            } else if (fileAutoStartup.containsKey(def)) {
                String original = fileAutoStartup.remove(def);
                def.setAutoStartup("null".equals(original) ? null : original);
            }
        }
    }
}
