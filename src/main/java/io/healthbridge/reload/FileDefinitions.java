package io.healthbridge.reload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.support.PatternHelper;

/**
 * Everything one version of a route file defines: routes, routes from templates, route templates (Kamelets
 * included), route configurations, the names of the beans it bound and, for a Java file with no route, the class it
 * holds for the Java files beside it.
 */
record FileDefinitions(List<RouteDefinition> routes, List<TemplatedRouteDefinition> templated,
        List<RouteTemplateDefinition> templates, List<RouteConfigurationDefinition> configurations, Set<String> beans,
        List<String> classes) {

    boolean isEmpty() {
        return routes.isEmpty() && templated.isEmpty() && templates.isEmpty() && configurations.isEmpty()
               && beans.isEmpty() && classes.isEmpty();
    }

    /** Ids of the routes the file names (its routes and its templated routes). */
    List<String> routeIds() {
        Set<String> ids = new LinkedHashSet<>();
        routes.forEach(r -> ids.add(r.getRouteId()));
        templated.forEach(t -> ids.add(t.getRouteId()));
        return List.copyOf(ids);
    }

    List<String> templateIds() {
        return templates.stream().map(RouteTemplateDefinition::getId).toList();
    }

    /** What the file defines besides routes, for its status: {@code configuration x}, {@code template y}, {@code bean z}. */
    List<String> others() {
        List<String> out = new ArrayList<>();
        configurations.forEach(c -> out.add("configuration " + (c.getId() == null ? "(every route)" : c.getId())));
        templates.forEach(t -> out.add("template " + t.getId()));
        beans.forEach(b -> out.add("bean " + b));
        classes.forEach(c -> out.add("class " + c));
        return out;
    }

    /**
     * True when this file (its text {@code content}) uses a configuration, template or bean that another file's change
     * from {@code was} to {@code now} (either may be null) replaced or removed.
     */
    boolean affectedBy(String content, FileDefinitions was, FileDefinitions now) {
        List<RouteConfigurationDefinition> configs = new ArrayList<>();
        Set<String> templateIds = new LinkedHashSet<>();
        Set<String> beanNames = new LinkedHashSet<>();
        for (FileDefinitions d : new FileDefinitions[] {was, now}) {
            if (d != null) {
                configs.addAll(d.configurations());
                templateIds.addAll(d.templateIds());
                beanNames.addAll(d.beans());
                beanNames.addAll(d.classes()); // a Java file compiled with the class beside it
            }
        }
        return usesAnyOf(configs) || usesAnyTemplate(templateIds) || mentionsAny(content, beanNames);
    }

    /** True when a file's text names one of the beans (a route keeps the bean it looked up once). */
    private static boolean mentionsAny(String content, Set<String> names) {
        for (String name : names) {
            if (Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + "(?![\\w-])")
                    .matcher(content).find()) {
                return true;
            }
        }
        return false;
    }

    /** True when a route of this file takes one of {@code configs} (by its id pattern, or a global one by none). */
    boolean usesAnyOf(List<RouteConfigurationDefinition> configs) {
        for (RouteDefinition r : routes) {
            String wanted = r.getRouteConfigurationId();
            for (RouteConfigurationDefinition c : configs) {
                if (wanted == null ? c.getId() == null || "*".equals(c.getId()) : matchesAny(c.getId(), wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matchesAny(String configId, String wanted) {
        if (configId == null) {
            return false;
        }
        for (String w : wanted.split(",")) {
            if (PatternHelper.matchPattern(configId, w.trim())) {
                return true;
            }
        }
        return false;
    }

    /** True when the file makes routes from one of these templates: templated routes or {@code kamelet:} endpoints. */
    boolean usesAnyTemplate(Set<String> templateIds) {
        if (templateIds.isEmpty()) {
            return false;
        }
        for (TemplatedRouteDefinition t : templated) {
            if (templateIds.contains(t.getRouteTemplateRef())) {
                return true;
            }
        }
        for (RouteDefinition r : routes) {
            List<String> uris = new ArrayList<>();
            FromDefinition from = r.getInput();
            if (from != null && from.getEndpointUri() != null) {
                uris.add(from.getEndpointUri());
            }
            ProcessorDefinitionHelper.filterTypeInOutputs(r.getOutputs(), SendDefinition.class)
                    .forEach(s -> uris.add(s.getEndpointUri()));
            for (String uri : uris) {
                if (uri != null && uri.startsWith("kamelet:")) {
                    String name = uri.substring("kamelet:".length()).split("[/?]", 2)[0];
                    if (templateIds.contains(name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
