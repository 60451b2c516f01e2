package io.healthbridge.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Adds an API key to the outgoing HTTP call, as a header (default {@code X-API-Key}) or as a query parameter. Declare
 * it as a bean in a route file and use it with {@code process: {ref: <name>}} before the {@code to: http…} step.
 */
public class ApiKeyAuth implements Processor {

    private String key;
    private String header = "X-API-Key";
    private String queryParameter;

    @Override
    public void process(Exchange exchange) {
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("ApiKeyAuth has no key");
        }
        if (queryParameter != null && !queryParameter.isBlank()) {
            String q = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
            String param = URLEncoder.encode(queryParameter, StandardCharsets.UTF_8) + "="
                           + URLEncoder.encode(key, StandardCharsets.UTF_8);
            exchange.getMessage().setHeader(Exchange.HTTP_QUERY, q == null || q.isBlank() ? param : q + "&" + param);
        } else {
            exchange.getMessage().setHeader(header, key);
        }
    }

    public void setKey(String key) {
        this.key = key;
    }

    public void setHeader(String header) {
        this.header = header;
    }

    public void setQueryParameter(String queryParameter) {
        this.queryParameter = queryParameter;
    }

    @Override
    public String toString() {
        return "ApiKeyAuth[" + (queryParameter != null ? "query " + queryParameter : "header " + header) + "]";
    }
}
