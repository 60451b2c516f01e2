package io.healthbridge.sink;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code healthbridge-events:<sink id>?types=health.*&users=&format=cloudevents&batchSize=1}: the canonical events as
 * a route's consumer, read durably from the outbox. Any Camel component the route sends them to becomes a
 * destination.
 */
public class HealthbridgeEventsComponent extends DefaultComponent {

    public static final String SCHEME = "healthbridge-events";

    private final Sinks sinks;

    public HealthbridgeEventsComponent(Sinks sinks) {
        this.sinks = sinks;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!remaining.matches(Sinks.ID_PATTERN)) {
            throw new IllegalArgumentException("a sink id is 1 to 64 letters, digits, '.', '_' or '-', starting with a "
                                               + "letter or digit: healthbridge-events:warehouse (got '" + remaining
                                               + "')");
        }
        HealthbridgeEventsEndpoint endpoint = new HealthbridgeEventsEndpoint(uri, this, remaining, sinks);
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }
}
