package io.healthbridge.telemetry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Takes the query off every URL a span carries before it leaves the process. Camel's span decorators record the
 * request URL ({@code http.url}: a push URL holds its secret as {@code ?token=}) and the endpoint URI with its options
 * ({@code camel.uri}, {@code url.query}: a route file's endpoint may hold a password); a trace backend needs neither
 * to follow a request, and a secret or a person's id must not reach it.
 */
public final class QueryFreeSpans implements SpanExporter {

    private static final Set<String> URLS = Set.of("http.url", "url.full", "camel.uri");
    private static final Set<String> QUERIES = Set.of("url.query");

    private final SpanExporter delegate;

    public QueryFreeSpans(SpanExporter delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        List<SpanData> out = new ArrayList<>(spans.size());
        for (SpanData s : spans) {
            out.add(new Scrubbed(s));
        }
        return delegate.export(out);
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }

    static Attributes scrub(Attributes attributes) {
        AttributesBuilder b = Attributes.builder();
        attributes.forEach((key, value) -> {
            String name = key.getKey();
            if (QUERIES.contains(name)) {
                return;
            }
            if (URLS.contains(name) && value instanceof String url) {
                int q = url.indexOf('?');
                b.put(AttributeKey.stringKey(name), q < 0 ? url : url.substring(0, q));
                return;
            }
            @SuppressWarnings("unchecked")
            AttributeKey<Object> k = (AttributeKey<Object>) key;
            b.put(k, value);
        });
        return b.build();
    }

    private static final class Scrubbed extends DelegatingSpanData {
        private final Attributes attributes;

        Scrubbed(SpanData span) {
            super(span);
            this.attributes = scrub(span.getAttributes());
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public int getTotalAttributeCount() {
            return attributes.size();
        }
    }
}
