package io.healthbridge.reload;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one route file at a time to the running context, all or nothing: a file that fails to parse, compile,
 * validate or start is rejected and the routes that ran before keep running.
 * <p>
 * Camel's own reload watcher reloads every file on any change and removes all routes when one file is broken (see
 * STACK.md); this loader owns the routes of each file separately instead.
 */
public class RouteFileLoader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileLoader.class);
    private static final Pattern LINE = Pattern.compile("(?:line[ :]+|\\.java:)(\\d+)", Pattern.CASE_INSENSITIVE);

    private final CamelContext context;
    private final Path root;
    private final Clock clock;
    private final Map<String, LoadedFile> loaded = new TreeMap<>();
    private final Map<String, RouteFileStatus> statuses = new TreeMap<>();
    private volatile RouteFileStatus lastResult;
    private MeterRegistry meterRegistry;

    private record LoadedFile(String hash, List<RouteDefinition> routes) {
        List<String> ids() {
            return routes.stream().map(RouteDefinition::getRouteId).toList();
        }
    }

    public RouteFileLoader(CamelContext context, Path root, Clock clock) {
        this.context = context;
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    private AuditSink audit;

    /** Where route file outcomes are recorded (the audit log). */
    public interface AuditSink {
        void record(String actor, String action, String target, String outcome, String detail);
    }

    public void setAudit(AuditSink audit) {
        this.audit = audit;
    }

    private void audit(String action, String file, String outcome, String detail) {
        if (audit != null) {
            audit.record("route-file-watcher", action, file, outcome, detail);
        }
    }

    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public Path getRoot() {
        return root;
    }

    /** True for the files this loader takes: YAML DSL and Java DSL, not hidden or editor temporary files. */
    public static boolean isRouteFile(Path file) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || name.endsWith("~")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".java");
    }

    /** Applies the given content of a route file; returns what happened. Never throws for a bad file. */
    public synchronized RouteFileStatus apply(String file, String content) {
        String hash = sha256(content);
        LoadedFile current = loaded.get(file);
        RouteFileStatus previous = statuses.get(file);
        if (current != null && current.hash.equals(hash) && previous != null && previous.ok()) {
            return previous;
        }
        List<String> before = current == null ? List.of() : current.ids();
        try {
            List<RouteDefinition> routes = applyOrRollback(file, content, current);
            loaded.put(file, new LoadedFile(hash, routes));
            List<String> after = routes.stream().map(RouteDefinition::getRouteId).toList();
            logApplied(file, before, after);
            count("applied");
            audit("route_file.apply", file, "ok", "routes " + after);
            return record(new RouteFileStatus(file, true, after, null, null, clock.instant()));
        } catch (RouteFileRejectedException e) {
            LOG.error("Route file {} rejected{}: {} (routes kept running: {})", file,
                    e.getLine() == null ? "" : " at line " + e.getLine(), e.getMessage(), before);
            LOG.debug("Route file {} rejected", file, e);
            count("rejected");
            audit("route_file.apply", file, "rejected", (e.getLine() == null ? "" : "line " + e.getLine() + ": ")
                                                       + e.getMessage());
            return record(new RouteFileStatus(file, false, before, e.getLine(), e.getMessage(), clock.instant()));
        }
    }

    /** Removes every route of a deleted file. */
    public synchronized void remove(String file) {
        LoadedFile current = loaded.remove(file);
        statuses.remove(file);
        if (current == null) {
            return;
        }
        try {
            model().removeRouteDefinitions(current.routes);
            LOG.info("Route file {} deleted: removed routes {}", file, current.ids());
            count("removed");
            audit("route_file.delete", file, "ok", "removed routes " + current.ids());
            lastResult = new RouteFileStatus(file, true, List.of(), null, null, clock.instant());
        } catch (Exception e) {
            LOG.error("Route file {} deleted but its routes {} could not all be removed: {}", file, current.ids(),
                    e.getMessage());
        }
    }

    public synchronized List<RouteFileStatus> statuses() {
        return List.copyOf(statuses.values());
    }

    public synchronized Set<String> files() {
        return Set.copyOf(statuses.keySet());
    }

    public RouteFileStatus lastResult() {
        return lastResult;
    }

    /** The file a route came from, or null when the route is built in. */
    public synchronized String fileOf(String routeId) {
        for (Map.Entry<String, LoadedFile> e : loaded.entrySet()) {
            if (e.getValue().ids().contains(routeId)) {
                return e.getKey();
            }
        }
        return null;
    }

    public synchronized RouteFileStatus statusOf(String file) {
        return statuses.get(file);
    }

    private List<RouteDefinition> applyOrRollback(String file, String content, LoadedFile current)
            throws RouteFileRejectedException {
        Parsed parsed = parse(file, content);
        validate(file, parsed, current);
        Model model = model();
        List<RouteDefinition> old = current == null ? List.of() : current.routes;
        try {
            model.removeRouteDefinitions(old);
        } catch (Exception e) {
            throw reject("the routes of the previous version could not be stopped", e);
        }
        List<String> added = new ArrayList<>();
        try {
            model.addRouteDefinitions(parsed.routes);
            parsed.routes.forEach(r -> added.add(r.getRouteId()));
            for (TemplatedRouteDefinition t : parsed.templated) {
                model.addRouteFromTemplatedRoute(t);
                added.add(t.getRouteId());
            }
            List<RouteDefinition> now = new ArrayList<>();
            for (String id : added) {
                now.add(model.getRouteDefinition(id));
            }
            return now;
        } catch (Exception e) {
            rollback(parsed, old);
            throw reject(null, e);
        }
    }

    private void rollback(Parsed parsed, List<RouteDefinition> old) {
        Model model = model();
        List<String> ids = new ArrayList<>(parsed.routes.stream().map(RouteDefinition::getRouteId).toList());
        parsed.templated.forEach(t -> ids.add(t.getRouteId()));
        for (String id : ids) {
            try {
                RouteDefinition def = model.getRouteDefinition(id);
                if (def != null) {
                    model.removeRouteDefinition(def);
                } else if (context.getRoute(id) != null) {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                }
            } catch (Exception ex) {
                LOG.warn("Could not clean up route {} of a rejected file: {}", id, ex.getMessage());
            }
        }
        try {
            model.addRouteDefinitions(old);
        } catch (Exception ex) {
            LOG.error("Could not restore the previous routes {}: {}",
                    old.stream().map(RouteDefinition::getRouteId).toList(), ex.getMessage());
        }
    }

    private record Parsed(List<RouteDefinition> routes, List<TemplatedRouteDefinition> templated) {
    }

    private Parsed parse(String file, String content) throws RouteFileRejectedException {
        Path abs = root.resolve(file);
        Resource resource = ResourceHelper.fromString("file:" + abs, content);
        List<RouteDefinition> routes = new ArrayList<>();
        List<TemplatedRouteDefinition> templated = new ArrayList<>();
        try {
            Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
            for (RoutesBuilder builder : builders) {
                if (!(builder instanceof RouteBuilder rb)) {
                    throw new IllegalArgumentException("unsupported route builder " + builder.getClass().getName());
                }
                rb.prepareModel(context);
                routes.addAll(rb.getRouteCollection().getRoutes());
                templated.addAll(rb.getTemplatedRouteCollection().getTemplatedRoutes());
            }
        } catch (Exception | LinkageError e) {
            throw reject(null, e);
        }
        if (routes.isEmpty() && templated.isEmpty()) {
            throw new RouteFileRejectedException("the file defines no route", null, null);
        }
        String stem = stem(file);
        int total = routes.size() + templated.size();
        int n = 0;
        for (RouteDefinition r : routes) {
            n++;
            if (r.getRouteId() == null || r.getRouteId().isBlank()) {
                r.setId(total == 1 ? stem : stem + "-" + n);
            }
        }
        for (TemplatedRouteDefinition t : templated) {
            n++;
            if (t.getRouteId() == null || t.getRouteId().isBlank()) {
                t.setRouteId(total == 1 ? stem : stem + "-" + n);
            }
        }
        return new Parsed(routes, templated);
    }

    private void validate(String file, Parsed parsed, LoadedFile current) throws RouteFileRejectedException {
        Set<String> ids = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(parsed.routes.stream().map(RouteDefinition::getRouteId).toList());
        parsed.templated.forEach(t -> all.add(t.getRouteId()));
        for (String id : all) {
            if (!ids.add(id)) {
                throw new RouteFileRejectedException("duplicate route id '" + id + "' within the file",
                        lineOf(parsed, id), null);
            }
        }
        Set<String> mine = current == null ? Set.of() : Set.copyOf(current.ids());
        for (String id : ids) {
            if (mine.contains(id)) {
                continue;
            }
            String owner = fileOf(id);
            if (owner != null) {
                throw new RouteFileRejectedException("duplicate route id '" + id + "': already defined in " + owner,
                        lineOf(parsed, id), null);
            }
            if (context.getRoute(id) != null || model().getRouteDefinition(id) != null) {
                throw new RouteFileRejectedException("duplicate route id '" + id + "': a built-in route has that id",
                        lineOf(parsed, id), null);
            }
        }
        for (RouteDefinition route : parsed.routes) {
            checkComponent(route, route.getInput());
            for (SendDefinition<?> send : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                    SendDefinition.class)) {
                checkComponent(route, send.getEndpointUri(), send);
            }
            for (ToDynamicDefinition to : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                    ToDynamicDefinition.class)) {
                checkComponent(route, to.getUri(), to);
            }
        }
    }

    private void checkComponent(RouteDefinition route, FromDefinition from) throws RouteFileRejectedException {
        if (from != null) {
            checkComponent(route, from.getEndpointUri(), null);
        }
    }

    /** Refuses an unknown component before the running routes of the file are touched. */
    private void checkComponent(RouteDefinition route, String uri, ProcessorDefinition<?> where)
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
        int end = 0;
        while (end < resolved.length() && ":?/".indexOf(resolved.charAt(end)) < 0) {
            end++;
        }
        if (end == 0 || end == resolved.length() || resolved.contains("${")) {
            return;
        }
        String scheme = resolved.substring(0, end);
        // created and started as a route's start would: a component created here but never started (quartz's
        // scheduler) would fail this file's routes and every later user of the component. The message names the
        // endpoint without its options, which may hold credentials
        if (context.getComponent(scheme, true, true) == null) {
            throw new RouteFileRejectedException("route '" + route.getRouteId() + "': unknown component '" + scheme
                                                 + "' in endpoint " + uri.split("\\?", 2)[0], lineOf(route, where), null);
        }
    }

    private static Integer lineOf(RouteDefinition route, ProcessorDefinition<?> where) {
        int line = where != null ? where.getLineNumber() : route.getInput() != null ? route.getInput().getLineNumber()
                : route.getLineNumber();
        return line > 0 ? line : null;
    }

    private static Integer lineOf(Parsed parsed, String id) {
        for (RouteDefinition r : parsed.routes) {
            if (id.equals(r.getRouteId())) {
                return lineOf(r, null);
            }
        }
        return null;
    }

    private RouteFileRejectedException reject(String prefix, Throwable e) {
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

    private static String rootMessage(Throwable e) {
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

    private void logApplied(String file, List<String> before, List<String> after) {
        if (before.isEmpty()) {
            LOG.info("Route file {} added: started routes {}", file, after);
            return;
        }
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        if (removed.isEmpty()) {
            LOG.info("Route file {} updated: routes {}", file, after);
        } else {
            LOG.info("Route file {} updated: routes {}, removed {}", file, after, removed);
        }
    }

    private RouteFileStatus record(RouteFileStatus status) {
        statuses.put(status.file(), status);
        lastResult = status;
        return status;
    }

    private void count(String outcome) {
        if (meterRegistry != null) {
            meterRegistry.counter("healthbridge.route.reloads", "outcome", outcome).increment();
        }
    }

    private Model model() {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    /** Route ids of every route running in the context that came from no file. */
    public synchronized List<String> builtInRouteIds() {
        Map<String, Boolean> owned = new LinkedHashMap<>();
        loaded.values().forEach(f -> f.ids().forEach(id -> owned.put(id, true)));
        return context.getRoutes().stream().map(Route::getRouteId).filter(id -> !owned.containsKey(id)).toList();
    }

    /**
     * The stem a route without an id is named by: the file's path under the routes folder without its extension,
     * folders joined by {@code -} ({@code team-a/ingest.camel.yaml} → {@code team-a-ingest}), so files of the same
     * name in two folders never share a generated id, and a reload keeps it.
     */
    static String stem(String file) {
        String name = file.replace('\\', '/');
        for (String ext : List.of(".camel.yaml", ".camel.yml", ".yaml", ".yml", ".java")) {
            if (name.endsWith(ext)) {
                name = name.substring(0, name.length() - ext.length());
                break;
            }
        }
        return name.replaceAll("^/+", "").replace('/', '-');
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
