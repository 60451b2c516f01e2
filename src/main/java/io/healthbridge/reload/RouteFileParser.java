package io.healthbridge.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceAware;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one version of a route file with Camel's own loaders (YAML DSL, jOOR Java DSL) into what it defines, without
 * changing what runs: templates a loader put into the model are taken back out, and the file's route configurations
 * are in force only while its routes are prepared. The beans it binds are left bound for the caller to keep or undo.
 */
final class RouteFileParser {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileParser.class);

    private final CamelContext context;
    private final Path root;
    private final FileBeans beans;
    private volatile List<RouteConfigurationDefinition> defaults = List.of();

    RouteFileParser(CamelContext context, Path root, FileBeans beans) {
        this.context = context;
        this.root = root;
        this.beans = beans;
    }

    /** Route configurations without an id that every file's routes naming none receive, with the file's own. */
    void setDefaultConfigurations(List<RouteConfigurationDefinition> defaults) {
        this.defaults = List.copyOf(defaults);
    }

    private Model model() {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    /**
     * @param running   the route configurations of the file's running version (out of force while it is read)
     * @param siblings  the other Java files of the folder that may be compiled with it (paths under the routes folder)
     */
    FileDefinitions parse(String file, String content, Map<String, Map<Class<?>, Object>> beansBefore,
            List<RouteTemplateDefinition> templatesBefore, List<RouteConfigurationDefinition> running,
            List<String> siblings) throws RouteFileRejectedException {
        Path abs = root.resolve(file);
        Resource resource = ResourceHelper.fromString("file:" + abs, content);
        List<RouteDefinition> routes = new ArrayList<>();
        List<TemplatedRouteDefinition> templated = new ArrayList<>();
        List<RouteTemplateDefinition> templates = new ArrayList<>();
        List<RouteConfigurationDefinition> configurations = new ArrayList<>();
        try {
            Collection<RoutesBuilder> builders = load(abs, resource, content, siblings);
            for (RoutesBuilder builder : builders) {
                if (!(builder instanceof RouteBuilder)) {
                    throw new IllegalArgumentException("unsupported route builder " + builder.getClass().getName());
                }
                // @BindToRegistry, @BeanInject and friends on a builder, as camel-main's route collector does
                CamelBeanPostProcessor beans = PluginHelper.getBeanPostProcessor(context);
                String name = builder.getClass().getName();
                beans.postProcessBeforeInitialization(builder, name);
                beans.postProcessAfterInitialization(builder, name);
                if (builder instanceof RouteConfigurationBuilder rcb) {
                    rcb.setCamelContext(context);
                    rcb.configuration();
                    configurations.addAll(rcb.getRouteConfigurationCollection().getRouteConfigurations());
                }
            }
            // Camel applies route configurations while it prepares a route: the file's own are in force meanwhile
            List<RouteConfigurationDefinition> inForce = new ArrayList<>(defaults);
            inForce.addAll(configurations);
            swapConfigurations(running, inForce);
            try {
                for (RoutesBuilder builder : builders) {
                    ((RouteBuilder) builder).prepareModel(context);
                }
            } finally {
                swapConfigurations(inForce, running);
            }
            for (RoutesBuilder builder : builders) {
                RouteBuilder rb = (RouteBuilder) builder;
                for (RouteDefinition r : rb.getRouteCollection().getRoutes()) {
                    if (!routes.contains(r)) {
                        routes.add(r);
                    }
                }
                templated.addAll(rb.getTemplatedRouteCollection().getTemplatedRoutes());
                templates.addAll(rb.getRouteTemplateCollection().getRouteTemplates());
            }
        } catch (Exception | LinkageError e) {
            throw RouteFileChecks.reject(null, e);
        } finally {
            // a loader that adds templates to the model itself: the file's templates are added with its routes
            Model model = model();
            for (RouteTemplateDefinition t : new ArrayList<>(model.getRouteTemplateDefinitions())) {
                if (templatesBefore.stream().noneMatch(b -> b == t)) {
                    try {
                        model.removeRouteTemplateDefinition(t);
                    } catch (Exception e) {
                        LOG.warn("Could not take back template {} of {}: {}", t.getId(), file, e.getMessage());
                    }
                    if (templates.stream().noneMatch(x -> x == t)) {
                        templates.add(t);
                    }
                }
            }
        }
        FileDefinitions defs = new FileDefinitions(routes, templated, templates, configurations,
                beans.changedSince(beansBefore), List.of());
        if (defs.isEmpty() && file.endsWith(".java")) {
            // it compiled: a class the Java files beside it use
            String name = abs.getFileName().toString();
            defs = new FileDefinitions(routes, templated, templates, configurations, defs.beans(),
                    List.of(name.substring(0, name.length() - ".java".length())));
        }
        if (defs.isEmpty()) {
            throw new RouteFileRejectedException(
                    "the file defines nothing: no route, route template, route configuration or bean", null, null);
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
        return defs;
    }

    /**
     * The builders of one file. A Java file is compiled together with the other Java files of its folder, as Camel
     * compiles a set, so a class may use a class of the file beside it; only the file's own builders are kept.
     */
    private Collection<RoutesBuilder> load(Path abs, Resource resource, String content, List<String> siblings)
            throws Exception {
        if (!abs.getFileName().toString().endsWith(".java") || siblings.isEmpty()) {
            return PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
        }
        List<Resource> set = new ArrayList<>();
        set.add(resource);
        for (String sibling : siblings) {
            Path p = root.resolve(sibling);
            set.add(ResourceHelper.fromString("file:" + p, Files.readString(p, StandardCharsets.UTF_8)));
        }
        List<RoutesBuilder> mine = new ArrayList<>();
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(set)) {
            if (b instanceof ResourceAware aware && aware.getResource() != null
                && resource.getLocation().equals(aware.getResource().getLocation())) {
                mine.add(b);
            }
        }
        return mine;
    }

    /** The other Java files of the file's folder that are not rejected: compiled with a Java file. */
    List<String> javaSiblings(String file, Predicate<String> rejected) {
        if (!file.endsWith(".java")) {
            return List.of();
        }
        Path dir = root.resolve(file).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".java") && RouteFileWatcher.isRouteFile(p)
                                     && Files.isRegularFile(p))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(f -> !f.equals(file) && !rejected.test(f))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void swapConfigurations(List<RouteConfigurationDefinition> out, List<RouteConfigurationDefinition> in)
            throws Exception {
        Model model = model();
        for (RouteConfigurationDefinition c : out) {
            model.removeRouteConfiguration(c);
        }
        model.addRouteConfigurations(in);
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

}
