package io.healthbridge.telemetry;

import java.util.function.BiConsumer;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * Client spans for the HTTP calls the runtime makes itself (provider APIs, webhook deliveries), which Camel's tracer
 * does not see: each is a child of whatever span is current (the poll's route span), and its W3C {@code traceparent}
 * goes out with the request. {@link #OFF} does nothing and sends nothing. Span attributes name the operation, the
 * provider or endpoint and the HTTP status, never a body, a token or a health value.
 */
public final class Tracing {

    public static final Tracing OFF = new Tracing(OpenTelemetry.noop());

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public Tracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("io.healthbridge");
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    /** One outbound call in progress. */
    public final class Call {
        private final Span span;

        private Call(Span span) {
            this.span = span;
        }

        /** Puts the call's trace context ({@code traceparent}) into the request's headers. */
        public void inject(BiConsumer<String, String> header) {
            // off, the propagator is the no-op one: nothing is added
            propagator.inject(Context.current().with(span), header, (h, k, v) -> h.accept(k, v));
        }

        public Call attribute(String key, String value) {
            if (value != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        /** Ends the call with the HTTP status it got (4xx and 5xx mark the span as an error). */
        public void end(int status) {
            span.setAttribute("http.response.status_code", status);
            if (status >= 400) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }

        /** Ends the call that got no answer. */
        public void fail(Throwable error) {
            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            span.end();
        }
    }

    /** Starts a client span named {@code name} ({@code "GET oura"}, {@code "POST webhook"}) under the current span. */
    public Call client(String name, String method) {
        return new Call(tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT)
                .setAttribute("http.request.method", method).startSpan());
    }
}
