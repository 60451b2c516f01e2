package io.healthbridge.config;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import io.healthbridge.delivery.webhook.Receiver;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.MemorySpans;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OpenTelemetry on, spans into the SDK's in-memory exporter: a webhook receiver gets a valid W3C traceparent naming
 * the delivery's exported span; a provider call is a client span inside its poll's trace; an HTTP request is a span
 * of Camel's; no span carries the secret a push URL holds.
 */
class TracingTest {

    static final String PUSH_TOKEN = "withings-push-secret-7c1e";

    @TempDir
    Path work;

    @Test
    void deliveriesProviderCallsAndRequestsAreTracedAndTheReceiverSeesTheDeliverysSpan() throws Exception {
        MemorySpans.EXPORTED.reset();
        Properties p = SimulatedProviders.settings("alice");
        p.setProperty("healthbridge.tracing.enabled", "true");
        p.setProperty("healthbridge.tracing.exporter", MemorySpans.class.getName());
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        p.setProperty("healthbridge.webhooks.poll-interval-ms", "100");
        p.setProperty("healthbridge.providers.withings.webhook.token", PUSH_TOKEN);
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p); Receiver receiver = new Receiver()) {
            HttpResponse<String> sub = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest
                    .BodyPublishers.ofString("{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.*\"]}")));
            assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
            hb.writeRoute("providers/oura.camel.yaml", SimulatedProviders.pollRoute("oura", "daily_activity", 60_000,
                    "default", "default"));
            hb.send(HttpRequest.newBuilder(hb.uri("/providers/withings/webhook?token=" + PUSH_TOKEN))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("userid=nobody&appli=1")));

            // the receiver's traceparent: version 00, a trace id, the sending span's id, sampled
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests.stream()
                    .anyMatch(r -> r.traceparent() != null));
            Receiver.Request delivered = receiver.requests.stream().filter(r -> r.traceparent() != null).findFirst()
                    .orElseThrow();
            assertThat(delivered.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            String[] parts = delivered.traceparent().split("-");
            SpanData delivery = await().atMost(Duration.ofSeconds(20)).until(() -> span(s -> s.getSpanId().equals(parts[2])),
                    Optional::isPresent).orElseThrow();
            assertThat(delivery.getTraceId()).isEqualTo(parts[1]);
            assertThat(delivery.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(delivery.getName()).isEqualTo("POST webhook");
            assertThat(delivery.getAttributes().asMap().toString())
                    .contains(EventJson.read(sub.body()).get("id").asText(), delivered.id());
            assertThat(delivery.getParentSpanContext().isValid()).as("a trace of its own per delivery").isFalse();

            // a provider call: a client span whose parent is a span of Camel's, in the same trace (the poll's)
            SpanData call = await().atMost(Duration.ofSeconds(20)).until(() -> span(s -> s.getName().equals("GET oura")),
                    Optional::isPresent).orElseThrow();
            assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(call.getParentSpanContext().isValid()).isTrue();
            SpanData parent = await().atMost(Duration.ofSeconds(20)).until(
                    () -> span(s -> s.getSpanId().equals(call.getParentSpanId())), Optional::isPresent).orElseThrow();
            assertThat(parent.getTraceId()).isEqualTo(call.getTraceId());
            assertThat(parent.getInstrumentationScopeInfo().getName()).isEqualTo("camel");

            // an HTTP request (the push) is a span of Camel's platform-http consumer; no span holds the push URL's
            // secret or the API key
            await().atMost(Duration.ofSeconds(20)).until(() -> span(s -> "camel-platform-http".equals(s.getAttributes()
                    .get(io.opentelemetry.api.common.AttributeKey.stringKey("component")))).isPresent());
            List<SpanData> all = MemorySpans.spans();
            assertThat(all).allSatisfy(s -> assertThat(s.getAttributes().asMap().toString() + s.getName()
                    + s.getEvents()).doesNotContain(PUSH_TOKEN).doesNotContain(RunningHealthbridge.ADMIN_KEY));
        }
    }

    static Optional<SpanData> span(java.util.function.Predicate<SpanData> test) {
        return MemorySpans.spans().stream().filter(test).findFirst();
    }
}
