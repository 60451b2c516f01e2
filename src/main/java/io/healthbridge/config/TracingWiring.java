package io.healthbridge.config;

import java.util.concurrent.TimeUnit;

import io.healthbridge.telemetry.QueryFreeSpans;
import io.healthbridge.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry, off unless {@code healthbridge.tracing.enabled}: an SDK exporting spans over OTLP/HTTP (or through a
 * {@code SpanExporter} class named by {@code healthbridge.tracing.exporter}), W3C trace context propagation, Camel's
 * tracer (camel-opentelemetry2: a span per route run, so a trace per poll, push, ingest request) and the runtime's own
 * client spans ({@link Tracing}) for provider calls and webhook deliveries, which send {@code traceparent}.
 */
final class TracingWiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TracingWiring.class);

    final Tracing tracing;
    private final OpenTelemetrySdk sdk;

    TracingWiring(CamelContext context, Settings settings) throws Exception {
        if (!settings.flag("healthbridge.tracing.enabled")) {
            tracing = Tracing.OFF;
            sdk = null;
            return;
        }
        // no URL query leaves the process: a push URL's token, an endpoint's password, a person's id
        SpanExporter exporter = new QueryFreeSpans(exporter(settings));
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), settings.text("healthbridge.tracing.service-name"))));
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setResource(resource)
                        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        // camel-opentelemetry2 takes the one Tracer and ContextPropagators of the registry
        context.getRegistry().bind("openTelemetryTracer", sdk.getTracer("camel"));
        context.getRegistry().bind("openTelemetryPropagators", sdk.getPropagators());
        OpenTelemetryTracer camel = new OpenTelemetryTracer();
        camel.setExcludePatterns(settings.text("healthbridge.tracing.exclude-patterns"));
        camel.init(context);
        tracing = new Tracing(sdk);
        LOG.info("Tracing on: spans of service '{}' to {}", settings.text("healthbridge.tracing.service-name"),
                "otlp".equals(settings.text("healthbridge.tracing.exporter"))
                        ? settings.text("healthbridge.tracing.otlp-endpoint") : settings.text("healthbridge.tracing.exporter"));
    }

    /** {@code otlp} (OTLP/HTTP protobuf to the endpoint), or the name of a {@code SpanExporter} class of the classpath. */
    private static SpanExporter exporter(Settings settings) throws Exception {
        String name = settings.text("healthbridge.tracing.exporter").trim();
        if (name.equals("otlp")) {
            return OtlpHttpSpanExporter.builder().setEndpoint(settings.text("healthbridge.tracing.otlp-endpoint")).build();
        }
        Class<?> type = Class.forName(name);
        if (!SpanExporter.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("healthbridge.tracing.exporter '" + name
                                               + "' is neither otlp nor a io.opentelemetry.sdk.trace.export.SpanExporter");
        }
        return (SpanExporter) type.getDeclaredConstructor().newInstance();
    }

    /** Sends what is still buffered, then stops. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
