package io.healthbridge.support;

import java.util.Collection;
import java.util.List;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * A SpanExporter a runtime under test names in {@code healthbridge.tracing.exporter}: what it exports lands in the
 * SDK's in-memory exporter, readable by the test. One per JVM (the runtime makes its own instance by class name).
 */
public final class MemorySpans implements SpanExporter {

    public static final InMemorySpanExporter EXPORTED = InMemorySpanExporter.create();

    public static List<SpanData> spans() {
        return EXPORTED.getFinishedSpanItems();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return EXPORTED.export(spans);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        // the shared exporter stays open for the next runtime of the JVM
        return CompletableResultCode.ofSuccess();
    }
}
