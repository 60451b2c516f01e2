package io.healthbridge.http;

import java.util.List;

import io.healthbridge.security.Authenticator;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.support.CamelContextHelper;

/**
 * The route configurations that give the HTTP routes of route files ({@code rest:} and {@code platform-http:}) what the
 * built-in API has: answers in the error format (never an exception's text), and the API's credential check on every
 * path, a {@code read} key or viewer for GET, an admin for the rest.
 * <ul>
 * <li>{@value #API} (credentials and error format): in force for every route of a file that names no route
 * configuration; a route that names its own adds it to keep the check ({@code routeConfigurationId: mine,healthbridge-api}).
 * <li>{@value #PUBLIC} (error format only): a route that must answer anyone (a health probe, a partner's webhook that
 * signs its own requests) names it.
 * </ul>
 * Routes that do not serve HTTP are untouched: the check and the error answers apply to exchanges whose route starts at
 * an HTTP consumer.
 */
public final class HttpRouteConfigurations {

    public static final String API = "healthbridge-api";
    public static final String PUBLIC = "healthbridge-public";

    private HttpRouteConfigurations() {
    }

    /** {@value #API} and {@value #PUBLIC} by name, to keep in the context for routes that name them. */
    public static List<RouteConfigurationDefinition> named(CamelContext context) {
        return List.of(define(context, API, true), define(context, PUBLIC, false));
    }

    /** The credential check and error format as a configuration without an id: what a route naming none receives. */
    public static List<RouteConfigurationDefinition> fileDefault(CamelContext context) {
        return List.of(define(context, null, true));
    }

    private static RouteConfigurationDefinition define(CamelContext context, String id, boolean authenticate) {
        RouteConfigurationBuilder builder = new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                RouteConfigurationDefinition c = id == null ? routeConfiguration() : routeConfiguration(id);
                ApiErrors.handle(c::onException, HttpRouteConfigurations::servesHttp);
                if (authenticate) {
                    ApiAuth check = new ApiAuth(CamelContextHelper.mandatoryLookup(getContext(), "authenticator",
                            Authenticator.class), true);
                    c.interceptFrom().process(e -> {
                        if (servesHttp(e)) {
                            check.process(e);
                        }
                    });
                }
            }
        };
        builder.setCamelContext(context);
        try {
            builder.configuration();
        } catch (Exception e) {
            throw new IllegalStateException("cannot define route configuration " + id + ": " + e.getMessage(), e);
        }
        return builder.getRouteConfigurationCollection().getRouteConfigurations().get(0);
    }

    static boolean servesHttp(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        String uri = from == null ? "" : from.getEndpointUri();
        return uri.startsWith("rest:") || uri.startsWith("platform-http:");
    }
}
