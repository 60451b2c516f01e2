package io.healthbridge.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.micrometer.MicrometerConstants;

/** Answers a Prometheus scrape from the registry camel-micrometer-prometheus fills. */
class PrometheusScrape implements Processor {

    private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public void process(Exchange exchange) {
        PrometheusMeterRegistry registry = exchange.getContext().getRegistry()
                .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, PrometheusMeterRegistry.class);
        exchange.getMessage().removeHeaders("*");
        if (registry == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
            exchange.getMessage().setBody("metrics are disabled (camel.metrics.enabled=false)\n");
            return;
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, TEXT_004);
        exchange.getMessage().setBody(registry.scrape(TEXT_004));
    }
}
