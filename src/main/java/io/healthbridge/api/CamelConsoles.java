package io.healthbridge.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import org.apache.camel.Exchange;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;

/**
 * Camel's developer consoles behind the API's admin authentication ({@code GET /api/v1/camel/consoles[/{id}]}), when
 * {@code camel.main.dev-console-enabled} is on. Only consoles that describe the runtime are served (context, routes,
 * consumers, health, JVM, memory, threads): none that browses, sends or receives messages, or prints configuration,
 * since those would show health data or secrets.
 */
final class CamelConsoles {

    static final Set<String> SERVED = Set.of("context", "route", "consumer", "service", "health", "top", "jvm",
            "memory", "thread", "gc", "startup-recorder", "blocked", "inflight");

    void list(Exchange exchange) throws Exception {
        DevConsoleRegistry registry = registry(exchange);
        if (registry == null) {
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        registry.stream().filter(c -> SERVED.contains(c.getId())).sorted((a, b) -> a.getId().compareTo(b.getId()))
                .forEach(c -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", c.getId());
                    m.put("group", c.getGroup());
                    m.put("name", c.getDisplayName());
                    m.put("description", c.getDescription());
                    out.add(m);
                });
        Json.respond(exchange, 200, Map.of("consoles", out));
    }

    void get(Exchange exchange) throws Exception {
        DevConsoleRegistry registry = registry(exchange);
        if (registry == null) {
            return;
        }
        String id = exchange.getIn().getHeader("id", String.class);
        DevConsole console = id == null || !SERVED.contains(id) ? null : registry.getConsole(id).orElse(null);
        if (console == null || !console.supportMediaType(DevConsole.MediaType.JSON)) {
            ApiError.notFound(exchange, "console '" + id + "'");
            return;
        }
        Object result = console.call(DevConsole.MediaType.JSON);
        Json.respond(exchange, 200, result instanceof Map<?, ?> m ? m : Map.of("text", String.valueOf(result)));
    }

    /** The registry, or null after answering 404 when the consoles are off. */
    private static DevConsoleRegistry registry(Exchange exchange) throws Exception {
        DevConsoleRegistry registry = DevConsoleRegistry.get(exchange.getContext());
        if (registry == null || !Boolean.TRUE.equals(exchange.getContext().isDevConsole())) {
            ApiError.respond(exchange, 404, "RES_003", "Camel's developer consoles are off: set "
                    + "camel.main.dev-console-enabled = true to serve them here", Map.of());
            return null;
        }
        return registry;
    }
}
