package io.healthbridge.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
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

    private final CamelContext context;
    private final FileBeans beans;
    private final RouteFileParser parser;
    private final Path root;
    private final Clock clock;
    private final Map<String, LoadedFile> loaded = new TreeMap<>();
    private final Map<String, RouteFileStatus> statuses = new TreeMap<>();
    private volatile RouteFileStatus lastResult;
    private MeterRegistry meterRegistry;

    public RouteFileLoader(CamelContext context, Path root, Clock clock) {
        this.context = context;
        this.beans = new FileBeans(context);
        this.root = root.toAbsolutePath().normalize();
        this.parser = new RouteFileParser(context, this.root, beans);
        this.clock = clock;
    }

    private AuditSink audit;
    private final RouteHolds holds = new RouteHolds();

    /** Route configurations without an id for every file route that names none (the runtime's HTTP guard). */
    public void setDefaultConfigurations(List<RouteConfigurationDefinition> defaults) {
        parser.setDefaultConfigurations(defaults);
    }

    public void setAudit(AuditSink audit) {
        this.audit = audit;
    }

    private void audit(String action, String file, String outcome, String detail) {
        if (audit != null) {
            audit.record("route-file-watcher", action, file, outcome, detail);
        }
    }

    /** Routes an operator stopped or suspended: added to the context unstarted, whichever version of the file. */
    public void setHeld(Predicate<String> held) {
        holds.setHeld(held);
    }

    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public Path getRoot() {
        return root;
    }

    /** Applies the given content of a route file; returns what happened. Never throws for a bad file. */
    public synchronized RouteFileStatus apply(String file, String content) {
        return apply(file, content, false);
    }

    /** {@code again}: apply even when unchanged, because something the file uses changed. */
    private RouteFileStatus apply(String file, String content, boolean again) {
        LoadedFile current = loaded.get(file);
        RouteFileStatus previous = statuses.get(file);
        if (!again && current != null && current.content().equals(content) && previous != null && previous.ok()) {
            return previous;
        }
        List<String> before = current == null ? List.of() : current.ids();
        try {
            LoadedFile now = applyOrRollback(file, content, current);
            loaded.put(file, now);
            List<String> after = now.ids();
            logApplied(file, current == null, before, after, now.defs().others());
            count("applied");
            audit("route_file.apply", file, "ok", "routes " + after
                                                  + (now.defs().others().isEmpty() ? "" : ", " + now.defs().others()));
            RouteFileStatus status = record(new RouteFileStatus(file, true, after, null, null, clock.instant(),
                    now.defs().others()));
            reapplyDependents(file, current == null ? null : current.defs(), now.defs());
            retryRejected(file);
            return status;
        } catch (RouteFileRejectedException e) {
            LoadedFile kept = loaded.get(file);
            before = kept == null ? List.of() : kept.ids();
            LOG.error("Route file {} rejected{}: {} ({})", file, e.getLine() == null ? "" : " at line " + e.getLine(),
                    e.getMessage(), before.isEmpty() ? "nothing of it runs" : "its previous routes keep running: " + before);
            LOG.debug("Route file {} rejected", file, e);
            count("rejected");
            audit("route_file.apply", file, "rejected", (e.getLine() == null ? "" : "line " + e.getLine() + ": ")
                                                       + e.getMessage());
            return record(new RouteFileStatus(file, false, before, e.getLine(), e.getMessage(), clock.instant(),
                    kept == null ? List.of() : kept.defs().others()));
        }
    }

    /** Removes everything a deleted file defined: its routes, those its Kamelets made, templates, configurations, beans. */
    public synchronized void remove(String file) {
        LoadedFile current = loaded.remove(file);
        statuses.remove(file);
        if (current == null) {
            return;
        }
        try {
            takeDown(current);
            beans.restore(Map.of(), current.defs().beans());
            LOG.info("Route file {} deleted: removed routes {}{}", file, current.ids(),
                    current.defs().others().isEmpty() ? "" : " and " + current.defs().others());
            count("removed");
            audit("route_file.delete", file, "ok", "removed routes " + current.ids());
            lastResult = new RouteFileStatus(file, true, List.of(), null, null, clock.instant(), List.of());
        } catch (Exception e) {
            LOG.error("Route file {} deleted but its routes {} could not all be removed: {}", file, current.ids(),
                    e.getMessage());
        }
        reapplyDependents(file, current.defs(), null);
        retryRejected(file);
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

    private LoadedFile applyOrRollback(String file, String content, LoadedFile current)
            throws RouteFileRejectedException {
        Model model = model();
        Map<String, Map<Class<?>, Object>> beansBefore = beans.snapshot();
        List<RouteTemplateDefinition> templatesBefore = new ArrayList<>(model.getRouteTemplateDefinitions());
        FileDefinitions defs;
        try {
            defs = parser.parse(file, content, beansBefore, templatesBefore,
                    current == null ? List.of() : current.defs().configurations(),
                    parser.javaSiblings(file, f -> statuses.get(f) != null && !statuses.get(f).ok()));
            RouteFileChecks.validate(context, defs, current == null ? Set.of() : Set.copyOf(current.ids()),
                    current == null ? Set.of() : current.defs().beans(), taken(file), beansBefore);
        } catch (RouteFileRejectedException e) {
            // the parse bound the file's beans: the running version keeps its own
            beans.restore(beansBefore, beans.changedSince(beansBefore));
            throw e;
        }
        try {
            takeDown(current);
        } catch (Exception e) {
            beans.restore(beansBefore, defs.beans());
            throw RouteFileChecks.reject("the previous version could not be stopped", e);
        }
        Set<String> baseline = routeIds();
        try {
            model.addRouteConfigurations(defs.configurations());
            model.addRouteTemplateDefinitions(defs.templates());
            holds.holdBack(defs.routes());
            model.addRouteDefinitions(defs.routes());
            for (TemplatedRouteDefinition t : defs.templated()) {
                model.addRouteFromTemplatedRoute(t);
            }
            if (current != null) {
                // beans the previous version bound and this one does not
                Set<String> gone = new LinkedHashSet<>(current.defs().beans());
                gone.removeAll(defs.beans());
                beans.restore(Map.of(), gone);
            }
            return loadedFile(content, defs, baseline);
        } catch (Exception e) {
            try {
                takeDown(new LoadedFile("", defs, List.of(), newRoutes(baseline)));
            } catch (Exception ex) {
                LOG.warn("Could not clean up the routes of a rejected version of {}: {}", file, ex.getMessage());
            }
            beans.restore(beansBefore, defs.beans());
            if (current != null) {
                try {
                    bringUp(current);
                    loaded.put(file, loadedFile(current.content(), current.defs(), baselineWithout(current)));
                } catch (Exception ex) {
                    loaded.remove(file);
                    LOG.error("Could not restore the previous version of {} (routes {}): {}", file, current.ids(),
                            ex.getMessage());
                }
            }
            throw RouteFileChecks.reject(null, e);
        }
    }

    /** The file as it now runs: its own route definitions and the routes made for it since {@code baseline}. */
    private LoadedFile loadedFile(String content, FileDefinitions defs, Set<String> baseline) {
        List<RouteDefinition> own = new ArrayList<>();
        for (String id : defs.routeIds()) {
            RouteDefinition def = model().getRouteDefinition(id);
            if (def != null) {
                own.add(def);
            }
        }
        List<String> derived = new ArrayList<>(newRoutes(baseline));
        derived.removeAll(defs.routeIds());
        return new LoadedFile(content, defs, own, derived);
    }

    private Set<String> baselineWithout(LoadedFile file) {
        Set<String> ids = routeIds();
        ids.removeAll(file.ids());
        return ids;
    }

    /** Puts a taken-down version back: its configurations, templates, routes and bean bindings. */
    private void bringUp(LoadedFile file) throws Exception {
        Model model = model();
        model.addRouteConfigurations(file.defs().configurations());
        model.addRouteTemplateDefinitions(file.defs().templates());
        holds.holdBack(file.routes());
        model.addRouteDefinitions(file.routes());
    }

    /** Stops and removes every route of the file (Kamelet routes included), then its templates and configurations. */
    private void takeDown(LoadedFile file) throws Exception {
        if (file == null) {
            return;
        }
        Model model = model();
        List<String> ids = new ArrayList<>(file.ids());
        file.defs().routeIds().forEach(id -> {
            if (!ids.contains(id)) {
                ids.add(id);
            }
        });
        ids.sort(Comparator.comparing(id -> TakeDownOrder.fedInternally(context, model, id)));
        for (String id : ids) {
            RouteDefinition def = model.getRouteDefinition(id);
            if (def != null) {
                model.removeRouteDefinition(def);
            } else if (context.getRoute(id) != null) {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            }
        }
        for (RouteTemplateDefinition t : file.defs().templates()) {
            model.removeRouteTemplateDefinition(t);
        }
        for (RouteConfigurationDefinition c : file.defs().configurations()) {
            model.removeRouteConfiguration(c);
        }
    }

    /** Route ids in the context and its model now. */
    private Set<String> routeIds() {
        Set<String> ids = new LinkedHashSet<>();
        model().getRouteDefinitions().forEach(r -> ids.add(r.getRouteId()));
        context.getRoutes().forEach(r -> ids.add(r.getRouteId()));
        return ids;
    }

    private List<String> newRoutes(Set<String> baseline) {
        List<String> ids = new ArrayList<>(routeIds());
        ids.removeAll(baseline);
        return ids;
    }

    /**
     * Files whose routes take a configuration or template this change replaced or removed are applied again, so
     * their routes are made anew from the definitions now in force (Camel applies both when a route is created).
     */
    private void reapplyDependents(String changed, FileDefinitions was, FileDefinitions now) {
        for (Map.Entry<String, LoadedFile> e : new ArrayList<>(loaded.entrySet())) {
            LoadedFile other = e.getValue();
            if (e.getKey().equals(changed) || !other.defs().affectedBy(other.content(), was, now)) {
                continue;
            }
            LOG.info("Route file {} applied again: it uses what {} changed", e.getKey(), changed);
            apply(e.getKey(), other.content(), true);
        }
    }

    /** Another loaded file that satisfies {@code test}, or null. */
    private String owner(String file, Predicate<FileDefinitions> test) {
        for (Map.Entry<String, LoadedFile> e : loaded.entrySet()) {
            if (!e.getKey().equals(file) && test.test(e.getValue().defs())) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Rejected files that may load now that {@code file} changed or went are tried again: those refused for a name
     * it held, and Java files of its folder (the class they missed may be there now).
     */
    private void retryRejected(String file) {
        Path dir = root.resolve(file).getParent();
        for (RouteFileStatus s : new ArrayList<>(statuses.values())) {
            Path p = root.resolve(s.file());
            boolean javaSibling = file.endsWith(".java") && s.file().endsWith(".java") && dir.equals(p.getParent());
            boolean heldByIt = s.reason() != null && s.reason().contains("already defined in " + file);
            if (!s.ok() && !s.file().equals(file) && (javaSibling || heldByIt) && Files.isRegularFile(p)) {
                try {
                    apply(s.file(), Files.readString(p), true);
                } catch (IOException e) {
                    LOG.warn("Route file {} could not be read: {}", s.file(), e.getMessage());
                }
            }
        }
    }

    private RouteFileChecks.Taken taken(String file) {
        return new RouteFileChecks.Taken(this::fileOf, test -> owner(file, test));
    }

    private void logApplied(String file, boolean added, List<String> before, List<String> after, List<String> others) {
        if (!others.isEmpty()) {
            LOG.info("Route file {} defines {}", file, others);
        }
        if (added) {
            LOG.info("Route file {} added: routes {}", file, after);
            return;
        }
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        LOG.info("Route file {} updated: routes {}{}", file, after, removed.isEmpty() ? "" : ", removed " + removed);
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
}
