package io.healthbridge.reload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;

/** The checks a route file passes before anything running is touched, and the wording of a rejection. */
final class RouteFileChecks {

    private static final Pattern LINE = Pattern.compile("(?:line[ :]+|\\.java:)(\\d+)", Pattern.CASE_INSENSITIVE);

    private RouteFileChecks() {
    }

    /**
     * Who defines what among the other loaded files.
     *
     * @param routeOwner the file of a route id, or null
     * @param owner      another file whose definitions satisfy a test, or null
     */
    record Taken(Function<String, String> routeOwner,
            Function<Predicate<FileDefinitions>, String> owner) {
    }

    /**
     * Refuses a file that names a route, template, configuration or bean another file or the runtime itself already
     * has, or an endpoint of an unknown component.
     *
     * @param mine the route ids and beans of the file's running version
     */
    static void validate(CamelContext context, FileDefinitions defs, Set<String> mine, Set<String> myBeans,
            Taken taken, Map<String, Map<Class<?>, Object>> beansBefore) throws RouteFileRejectedException {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        Set<String> ids = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(defs.routes().stream().map(RouteDefinition::getRouteId).toList());
        defs.templated().forEach(t -> all.add(t.getRouteId()));
        for (String id : all) {
            if (!ids.add(id)) {
                throw new RouteFileRejectedException("duplicate route id '" + id + "' within the file",
                        lineOf(defs, id), null);
            }
        }
        for (String id : ids) {
            if (mine.contains(id)) {
                continue;
            }
            String owner = taken.routeOwner().apply(id);
            if (owner != null) {
                throw new RouteFileRejectedException("duplicate route id '" + id + "': already defined in " + owner,
                        lineOf(defs, id), null);
            }
            if (context.getRoute(id) != null || model.getRouteDefinition(id) != null) {
                throw new RouteFileRejectedException("duplicate route id '" + id + "': a built-in route has that id",
                        lineOf(defs, id), null);
            }
        }
        for (String template : defs.templateIds()) {
            String owner = taken.owner().apply(d -> d.templateIds().contains(template));
            if (owner != null) {
                throw new RouteFileRejectedException("duplicate route template '" + template + "': already defined in "
                                                     + owner, null, null);
            }
        }
        for (RouteConfigurationDefinition c : defs.configurations()) {
            String owner = c.getId() == null ? null : taken.owner().apply(d -> d.configurations().stream()
                    .anyMatch(x -> c.getId().equals(x.getId())));
            if (owner != null) {
                throw new RouteFileRejectedException("duplicate route configuration '" + c.getId()
                                                     + "': already defined in " + owner, null, null);
            }
        }
        for (String bean : defs.beans()) {
            String owner = taken.owner().apply(d -> d.beans().contains(bean));
            if (owner != null) {
                throw new RouteFileRejectedException("duplicate bean '" + bean + "': already defined in " + owner,
                        null, null);
            }
            if (beansBefore.containsKey(bean) && !myBeans.contains(bean)) {
                throw new RouteFileRejectedException("bean '" + bean + "': a built-in bean has that name", null, null);
            }
        }
        for (RouteDefinition route : defs.routes()) {
            components(context, route);
        }
    }

    private static Integer lineOf(FileDefinitions defs, String id) {
        for (RouteDefinition r : defs.routes()) {
            if (id.equals(r.getRouteId())) {
                return lineOf(r, null);
            }
        }
        return null;
    }

    /** Refuses an endpoint of an unknown component in any of the route's endpoints. */
    static void components(CamelContext context, RouteDefinition route) throws RouteFileRejectedException {
        FromDefinition from = route.getInput();
        if (from != null) {
            component(context, route, from.getEndpointUri(), null);
        }
        for (SendDefinition<?> send : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                SendDefinition.class)) {
            component(context, route, send.getEndpointUri(), send);
        }
        for (ToDynamicDefinition to : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                ToDynamicDefinition.class)) {
            component(context, route, to.getUri(), to);
        }
    }

    private static void component(CamelContext context, RouteDefinition route, String uri, ProcessorDefinition<?> where)
            throws RouteFileRejectedException {
        if (uri == null) {
            return;
        }
        String resolved;
        try {
            resolved = context.resolvePropertyPlaceholders(uri);
        } catch (Exception e) {
            throw new RouteFileRejectedException("route '" + route.getRouteId() + "': " + rootMessage(e),
                    lineOf(route, where), e);
        }
        String scheme = scheme(resolved);
        if (scheme == null) {
            return;
        }
        // created and started as a route's start would: a component created here but never started (quartz's
        // scheduler) would fail this file's routes and every later user of the component. The message names the
        // endpoint without its options, which may hold credentials
        if (context.getComponent(scheme, true, true) == null) {
            throw new RouteFileRejectedException("route '" + route.getRouteId() + "': unknown component '" + scheme
                                                 + "' in endpoint " + uri.split("\\?", 2)[0], lineOf(route, where), null);
        }
    }

    /** The component name of an endpoint URI, or null when it has none or is computed at run time. */
    static String scheme(String uri) {
        int end = 0;
        while (end < uri.length() && ":?/".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        if (end == 0 || end == uri.length() || uri.contains("${")) {
            return null;
        }
        return uri.substring(0, end);
    }

    static Integer lineOf(RouteDefinition route, ProcessorDefinition<?> where) {
        int line = where != null ? where.getLineNumber() : route.getInput() != null ? route.getInput().getLineNumber()
                : route.getLineNumber();
        return line > 0 ? line : null;
    }

    /** A rejection with the readable reason of {@code e} and the last line a parser or compiler named. */
    static RouteFileRejectedException reject(String prefix, Throwable e) {
        String message = describe(e);
        Integer line = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = LINE.matcher(t.getMessage());
                while (m.find()) {
                    // the last position a parser names is where it gave up
                    line = Integer.valueOf(m.group(1));
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new RouteFileRejectedException(prefix == null ? message : prefix + ": " + message, line, e);
    }

    /** A readable reason: the outermost message and the root cause when they differ. */
    static String describe(Throwable e) {
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String root = rootMessage(e);
        String text = top.equals(root) || top.contains(root) ? top : top + ": " + root;
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ClassNotFoundException || root instanceof NoClassDefFoundError) {
            // their message is the bare class name
            return "class not found: " + root.getMessage() + " (is its jar on the classpath?)";
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
