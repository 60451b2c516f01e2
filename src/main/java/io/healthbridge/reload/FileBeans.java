package io.healthbridge.reload;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;

/**
 * The beans a route file binds. Camel's loaders bind a file's beans while parsing it (YAML {@code - beans:}, Java
 * {@code bindToRegistry}), before its routes exist, into the registry's own bean table. A snapshot of that table
 * before the parse and a comparison after it tell which names the file bound; restoring the snapshot of those names
 * takes them back when the file is rejected or deleted.
 */
final class FileBeans {

    private final CamelContext context;

    FileBeans(CamelContext context) {
        this.context = context;
    }

    /** The registry's table of bound beans by name, or null when the registry keeps none Camel-side. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<Class<?>, Object>> table() {
        Registry registry = context.getRegistry();
        Object table = registry instanceof DefaultRegistry r ? r.getFallbackRegistry() : registry;
        return table instanceof Map<?, ?> m ? (Map<String, Map<Class<?>, Object>>) m : null;
    }

    /** A copy of every binding now (the registry changes the bindings of a name in place). */
    synchronized Map<String, Map<Class<?>, Object>> snapshot() {
        Map<String, Map<Class<?>, Object>> table = table();
        Map<String, Map<Class<?>, Object>> copy = new LinkedHashMap<>();
        if (table != null) {
            table.forEach((name, bindings) -> copy.put(name, new LinkedHashMap<>(bindings)));
        }
        return copy;
    }

    /** Names bound or rebound since {@code before}. */
    synchronized Set<String> changedSince(Map<String, Map<Class<?>, Object>> before) {
        Set<String> changed = new LinkedHashSet<>();
        Map<String, Map<Class<?>, Object>> table = table();
        if (table == null) {
            return changed;
        }
        table.forEach((name, bindings) -> {
            Map<Class<?>, Object> was = before.get(name);
            if (was == null || !sameObjects(was, bindings)) {
                changed.add(name);
            }
        });
        return changed;
    }

    /** Puts the bindings of {@code names} back as they were in {@code before} (unbound when they were not there). */
    synchronized void restore(Map<String, Map<Class<?>, Object>> before, Set<String> names) {
        Map<String, Map<Class<?>, Object>> table = table();
        if (table == null) {
            return;
        }
        for (String name : names) {
            Map<Class<?>, Object> was = before.get(name);
            if (was == null) {
                table.remove(name);
            } else {
                table.put(name, new LinkedHashMap<>(was));
            }
        }
    }

    /** The current bindings of {@code names}, to restore when a later version of the file is rejected. */
    synchronized Map<String, Map<Class<?>, Object>> current(Set<String> names) {
        Map<String, Map<Class<?>, Object>> table = table();
        Map<String, Map<Class<?>, Object>> now = new LinkedHashMap<>();
        if (table != null) {
            names.forEach(n -> {
                if (table.containsKey(n)) {
                    now.put(n, new LinkedHashMap<>(table.get(n)));
                }
            });
        }
        return now;
    }

    private static boolean sameObjects(Map<Class<?>, Object> a, Map<Class<?>, Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<Class<?>, Object> e : a.entrySet()) {
            // identity: a new instance under the same name is a new bean
            if (!b.containsKey(e.getKey()) || b.get(e.getKey()) != e.getValue()) {
                return false;
            }
        }
        return Objects.equals(a.keySet(), b.keySet());
    }
}
