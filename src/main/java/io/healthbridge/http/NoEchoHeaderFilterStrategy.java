package io.healthbridge.http;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The header filter of every platform-http endpoint (the API, the dashboard, push endpoints, route files' rest and
 * platform-http routes): what came in as a request header or a query parameter never goes back out as a response
 * header unless a route set it to a value of its own. Camel turns query parameters into message headers and writes
 * message headers back onto the response, so {@code /?Refresh=0;url=…} or {@code ?Set-Cookie=…} would otherwise be
 * answered as response headers. Names that are not HTTP tokens are never written either.
 */
public class NoEchoHeaderFilterStrategy extends HttpHeaderFilterStrategy {

    /** Exchange property: the request's header and parameter names (lower case) and values. */
    static final String REQUEST_HEADERS = "Healthbridge.requestHeaders";

    /** Installs the filter on the platform-http component, before any endpoint of it is created. */
    public static void install(CamelContext context) {
        context.getComponent("platform-http", PlatformHttpComponent.class)
                .setHeaderFilterStrategy(new NoEchoHeaderFilterStrategy());
    }

    @Override
    public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
        boolean filtered = super.applyFilterToExternalHeaders(name, value, exchange);
        if (!filtered && exchange != null && name != null) {
            @SuppressWarnings("unchecked")
            Map<String, Set<String>> seen = exchange.getProperty(REQUEST_HEADERS, Map.class);
            if (seen == null) {
                seen = new HashMap<>();
                exchange.setProperty(REQUEST_HEADERS, seen);
            }
            seen.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new HashSet<>()).add(String.valueOf(value));
        }
        return filtered;
    }

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        if (super.applyFilterToCamelHeaders(name, value, exchange) || !isToken(name)) {
            return true;
        }
        @SuppressWarnings("unchecked")
        Map<String, Set<String>> seen = exchange == null ? null : exchange.getProperty(REQUEST_HEADERS, Map.class);
        if (seen == null) {
            return false;
        }
        Set<String> values = seen.get(name.toLowerCase(Locale.ROOT));
        // a request header or parameter still holding what the client sent: an echo, not a route's answer
        return values != null && values.contains(String.valueOf(value));
    }

    /** An RFC 9110 token: the only names a response header may have. */
    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                         || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
