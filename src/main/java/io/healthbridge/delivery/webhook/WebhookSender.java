package io.healthbridge.delivery.webhook;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.telemetry.Tracing;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One attempt of one delivery: the signed POST, and what its answer means — a success for the recorder, a failure
 * with its next attempt ({@link RetryPolicy}, Retry-After honoured), 410 Gone disabling the endpoint — fed to the
 * endpoint's circuit breaker. Scheduling which deliveries to attempt is the dispatcher's.
 */
class WebhookSender {

    private Tracing tracing = Tracing.OFF;
    private AttemptListener attempts = (endpoint, delivered, millis) -> { };
    private final WebhookStore store;
    private final TargetPolicy targets;
    private final WebhookDispatcher.Settings settings;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ExecutorService executor;
    private final HttpClient http;
    private final RetryPolicy retries;
    private final DeliveryRecorder recorder;
    private final WebhookRequests requests;
    private final EndpointHealth health;
    /** Told the endpoint of a delivery made due again, so its next read of due deliveries is not skipped. */
    private final Consumer<String> retryScheduled;
    /** Recent answer time per endpoint, milliseconds (moving average). */
    private final Map<String, Double> latency = new ConcurrentHashMap<>();

    WebhookSender(WebhookStore store, TargetPolicy targets, WebhookDispatcher.Settings settings, MeterRegistry meters,
            Clock clock, ExecutorService executor, RetryPolicy retries, DeliveryRecorder recorder,
            WebhookRequests requests, EndpointHealth health, Consumer<String> retryScheduled) {
        this.store = store;
        this.targets = targets;
        this.settings = settings;
        this.meters = meters;
        this.clock = clock;
        this.executor = executor;
        this.retries = retries;
        this.recorder = recorder;
        this.requests = requests;
        this.health = health;
        this.retryScheduled = retryScheduled;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The endpoint's recent answer time in milliseconds, or the fallback when it has not answered yet. */
    double latency(String endpointId, double fallback) {
        return latency.getOrDefault(endpointId, fallback);
    }

    /**
     * Sends one attempt and records its outcome when the answer comes. Never blocks a thread on the network: the
     * request is in flight without one, and the outcome is recorded on the executor. (A blocking send on the same
     * executor the HTTP client completes on would deadlock once more deliveries are in flight than it has threads.)
     */
    CompletableFuture<Void> attempt(WebhookEndpoint ep, WebhookDelivery d) {
        String refused = targets.problem(ep.url());
        if (refused != null) {
            handleFailure(ep, d, null, "target refused: " + refused, 0, null, false);
            return CompletableFuture.completedFuture(null);
        }
        byte[] body;
        try {
            body = requests.body(ep, d);
        } catch (RuntimeException e) {
            store.recordAttempt(d, WebhookDelivery.ABANDONED, null, null, "event cannot be rendered: " + e.getMessage(), 0, null);
            return CompletableFuture.completedFuture(null);
        }
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new java.util.LinkedHashMap<>(WebhookSigner.headers(d.eventId(), timestamp, body,
                ep.secret(), ep.activePreviousSecret(clock.instant())));
        // a trace per delivery attempt: its traceparent goes to the receiver
        Tracing.Call call = tracing.client("POST webhook", "POST").attribute("healthbridge.webhook.endpoint", ep.id())
                .attribute("healthbridge.event.id", d.eventId());
        call.inject(headers::put);
        long start = System.nanoTime();
        return http.sendAsync(requests.request(ep, headers, body), HttpResponse.BodyHandlers.ofString())
                .handleAsync((r, error) -> {
                    if (error != null) {
                        call.fail(error);
                    } else {
                        call.end(r.statusCode());
                    }
                    outcome(ep, d, r, error, (System.nanoTime() - start) / 1_000_000);
                    return null;
                }, executor);
    }

    void setTracing(Tracing tracing) {
        this.tracing = tracing == null ? Tracing.OFF : tracing;
    }

    void setAttemptListener(AttemptListener listener) {
        this.attempts = listener;
    }

    private void outcome(WebhookEndpoint ep, WebhookDelivery d, HttpResponse<String> r, Throwable error, long ms) {
        latency.merge(ep.id(), (double) ms, (old, now) -> old * 0.8 + now * 0.2);
        attempts.attempted(ep.id(), error == null && r.statusCode() / 100 == 2, ms);
        CircuitBreaker breaker = health.breaker(ep.id());
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof HttpTimeoutException) {
                breaker.onError(0, TimeUnit.MILLISECONDS, cause);
                handleFailure(ep, d, null, "timed out after " + settings.timeout().toMillis() + " ms", ms, null, true);
                count("timeout");
            } else if (cause instanceof IOException) {
                breaker.onError(0, TimeUnit.MILLISECONDS, cause);
                handleFailure(ep, d, null, "connection failed: " + cause.getMessage(), ms, null, true);
                count("connection_error");
            } else {
                throw new CompletionException(cause);
            }
            return;
        }
        int code = r.statusCode();
        if (code / 100 == 2) {
            breaker.onSuccess(ms, TimeUnit.MILLISECONDS);
            handleSuccess(ep, d, code, ms);
        } else if (code == 410) {
            breaker.onSuccess(ms, TimeUnit.MILLISECONDS);
            health.disable(ep, "endpoint answered 410 Gone");
            store.recordAttempt(d, WebhookDelivery.ABANDONED, null, code, "410 Gone: endpoint disabled", ms, excerpt(r.body()));
            count("gone");
        } else {
            breaker.onError(ms, TimeUnit.MILLISECONDS, new IOException("HTTP " + code));
            Duration retryAfter = code == 429 || code == 503 ? RetryPolicy.retryAfter(r) : null;
            handleFailure(ep, d, code, "HTTP " + code, ms, retryAfter, true);
            meters.counter("healthbridge.webhook.attempts", "outcome", code / 100 == 3 ? "redirect"
                    : code / 100 == 4 ? "client_error" : "server_error").increment();
        }
    }

    private void handleSuccess(WebhookEndpoint ep, WebhookDelivery d, int code, long ms) {
        recorder.add(new WebhookStore.Delivered(d, code, ms, clock.instant()));
        health.succeeded(ep);
        count("delivered");
        meters.timer("healthbridge.webhook.latency").record(Duration.ofMillis(ms));
    }

    private void handleFailure(WebhookEndpoint ep, WebhookDelivery d, Integer code, String error, long ms,
            Duration retryAfter, boolean endpointFault) {
        int attempt = d.attempts() + 1;
        Instant next = nextAttempt(attempt, retryAfter);
        store.recordAttempt(d, next == null ? WebhookDelivery.FAILED : WebhookDelivery.PENDING, next, code, error, ms, null);
        if (next != null) {
            retryScheduled.accept(d.endpointId());
        }
        if (!endpointFault) {
            return;
        }
        health.failed(ep);
    }

    /** The time of attempt {@code attemptsMade + 1} (see {@link RetryPolicy}), or null when the schedule ran out. */
    Instant nextAttempt(int attemptsMade, Duration retryAfter) {
        return retries.next(clock.instant(), attemptsMade, retryAfter);
    }

    private void count(String outcome) {
        meters.counter("healthbridge.webhook.attempts", "outcome", outcome).increment();
    }

    static String excerpt(String body) {
        if (body == null) {
            return null;
        }
        return body.length() > 500 ? body.substring(0, 500) : body;
    }
}
