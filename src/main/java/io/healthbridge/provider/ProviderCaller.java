package io.healthbridge.provider;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.healthbridge.auth.TokenManager;
import io.healthbridge.event.EventJson;
import io.healthbridge.quota.QuotaGate;
import io.healthbridge.quota.QuotaSpec;
import io.healthbridge.store.Connection;
import io.healthbridge.telemetry.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every outbound provider call goes through here: quota (app and user) → circuit breaker (Resilience4j, one per
 * provider) → user access token (refreshed once on 401) → HTTP → retry with exponential backoff and jitter on
 * timeouts, connection errors, 5xx, 408 and 429 (honouring Retry-After); no retry on other 4xx. Every attempt is
 * counted as {@code healthbridge_provider_requests_total{provider,outcome}}.
 */
public class ProviderCaller {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCaller.class);

    private Tracing tracing = Tracing.OFF;
    private final QuotaGate quotas;
    private final TokenManager tokens;
    private final MeterRegistry meters;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private Predicate<String> active = p -> true;

    public ProviderCaller(QuotaGate quotas, TokenManager tokens, MeterRegistry meters, Clock clock) {
        this.quotas = quotas;
        this.tokens = tokens;
        this.meters = meters;
        this.clock = clock;
    }

    /** Client spans for the calls, with their {@code traceparent} sent to the provider. */
    public void setTracing(Tracing tracing) {
        this.tracing = tracing == null ? Tracing.OFF : tracing;
    }

    /** Which integrations may be called; an unregistered one is refused before any request. */
    public void setActive(Predicate<String> active) {
        this.active = active;
    }

    /** Drops the provider's breaker so the next call builds one with its changed settings. */
    public void resetBreaker(String provider) {
        breakers.remove(provider);
    }

    /** The provider's breaker, created with its settings on first use; its state is a gauge (0 closed, 1 open, 2 half-open). */
    public CircuitBreaker breaker(ProviderSettings s) {
        return breakers.computeIfAbsent(s.provider(), p -> {
            CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                    // low-volume polling: decide on the last few calls, not the default 100
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(Math.max(s.breakerMinimumCalls(), 10))
                    .minimumNumberOfCalls(s.breakerMinimumCalls())
                    .failureRateThreshold(s.breakerFailureRate())
                    .waitDurationInOpenState(s.breakerOpenFor())
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .automaticTransitionFromOpenToHalfOpenEnabled(true)
                    .build();
            CircuitBreaker cb = CircuitBreaker.of(p, config);
            cb.getEventPublisher().onStateTransition(e -> LOG.warn("Circuit breaker of {}: {}", p,
                    e.getStateTransition()));
            // registered once per provider; reads whichever breaker the provider has now
            Gauge.builder("healthbridge.circuit.state", breakers, m -> m.get(p) == null ? 0 : switch (m.get(p).getState()) {
                case OPEN, FORCED_OPEN -> 1;
                case HALF_OPEN -> 2;
                default -> 0;
            }).tag("provider", p).description("0 closed, 1 open, 2 half-open").register(meters);
            return cb;
        });
    }

    public Optional<CircuitBreaker> existingBreaker(String provider) {
        return Optional.ofNullable(breakers.get(provider));
    }

    /** Calls the provider for a connection and returns the JSON body of a successful answer. */
    public JsonNode call(ProviderApi api, ProviderSettings s, Connection c, ProviderRequest req)
            throws InterruptedException {
        if (!active.test(s.provider())) {
            throw new ProviderCallException("the " + s.provider() + " integration is unregistered", 0);
        }
        quotas.configure(s.provider(), QuotaSpec.parse(s.appQuota()), QuotaSpec.parse(s.userQuota()));
        CircuitBreaker breaker = breaker(s);
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(s.initialBackoff(), 2.0, 0.5,
                s.maxBackoff());
        String token = null;
        boolean refreshed = false;
        for (int attempt = 1;; attempt++) {
            quotas.acquire(s.provider(), c.userId(), s.quotaMaxWait());
            try {
                breaker.acquirePermission();
            } catch (CallNotPermittedException e) {
                count(s, "circuit_open");
                throw new CircuitOpenException(s.provider());
            }
            if (token == null) {
                token = tokens.accessToken(c);
            }
            long start = System.nanoTime();
            int status;
            JsonNode body = null;
            HttpResponse<String> response;
            String method = req.form() != null ? "POST" : req.method();
            Tracing.Call call = tracing.client(method + " " + s.provider(), method)
                    .attribute("healthbridge.provider", s.provider());
            try {
                HttpRequest.Builder request = build(s, req, token);
                call.inject(request::header);
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                call.end(response.statusCode());
                body = parse(response.body());
                status = api.effectiveStatus(response.statusCode(), body);
            } catch (HttpTimeoutException e) {
                call.fail(e);
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                count(s, "timeout");
                retryOrFail(s, attempt, backoff, null, "timed out after " + s.timeout().toMillis() + " ms", 0);
                continue;
            } catch (IOException e) {
                call.fail(e);
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                count(s, "connection_error");
                retryOrFail(s, attempt, backoff, null, "connection failed: " + e.getMessage(), 0);
                continue;
            }
            long took = System.nanoTime() - start;
            latency(s.provider()).record(took, TimeUnit.NANOSECONDS);
            honourRateLimitHeaders(s.provider(), response);
            if (status / 100 == 2) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                count(s, "success");
                return body;
            }
            if (status == 401 && !refreshed) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                count(s, "unauthorized");
                token = tokens.afterUnauthorized(c, token);
                refreshed = true;
                attempt--; // the refresh retry is not a failure attempt
                continue;
            }
            if (status == 429) {
                breaker.releasePermission(); // being throttled says nothing about the provider's health
                count(s, "rate_limited");
                Duration retryAfter = retryAfter(response).orElse(null);
                if (retryAfter != null) {
                    quotas.pause(s.provider(), clock.instant().plus(retryAfter));
                }
                retryOrFail(s, attempt, backoff, retryAfter, "rate limited (429)", status);
                continue;
            }
            if (status >= 500 || status == 408) {
                breaker.onError(took, TimeUnit.NANOSECONDS, new ProviderCallException("HTTP " + status, status));
                count(s, "server_error");
                retryOrFail(s, attempt, backoff, retryAfter(response).orElse(null), "answered " + status, status);
                continue;
            }
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            count(s, "client_error");
            throw new ProviderCallException(s.provider() + " " + req.path() + " answered " + status + ": "
                                            + excerpt(response.body()), status);
        }
    }

    private void retryOrFail(ProviderSettings s, int attempt, IntervalFunction backoff, Duration retryAfter,
            String reason, int status) throws InterruptedException {
        if (attempt >= s.maxAttempts()) {
            throw new ProviderCallException(s.provider() + " " + reason + " (" + attempt + " attempts)", status);
        }
        long delay = backoff.apply(attempt);
        if (retryAfter != null) {
            delay = Math.max(delay, retryAfter.toMillis());
        }
        if (delay > s.maxBackoff().toMillis() * 2) {
            throw new ProviderCallException(s.provider() + " " + reason + ": asked to wait " + delay + " ms", status);
        }
        meters.counter("healthbridge.provider.retries", "provider", s.provider()).increment();
        LOG.debug("{} {}; retry {} in {} ms", s.provider(), reason, attempt + 1, delay);
        Thread.sleep(delay);
    }

    private HttpRequest.Builder build(ProviderSettings s, ProviderRequest req, String token) {
        String query = req.query() == null || req.query().isEmpty() ? "" : "?" + encode(req.query());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + req.path() + query))
                .timeout(s.timeout())
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
        if (req.form() != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(encode(req.form())));
        } else {
            b.method(req.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b;
    }

    static String encode(Map<String, String> params) {
        return params.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return EventJson.object();
        }
        try {
            return EventJson.read(body);
        } catch (IllegalArgumentException e) {
            return EventJson.object().put("_unparsed", excerpt(body));
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date. */
    Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                try {
                    Instant at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Duration.between(clock.instant(), at).isNegative() ? Duration.ZERO
                            : Duration.between(clock.instant(), at);
                } catch (RuntimeException ex) {
                    return null;
                }
            }
        });
    }

    /**
     * Rate-limit headers that say nothing is left pause the provider until their reset: {@code X-RateLimit-*} (Oura;
     * reset as epoch seconds), {@code Fitbit-Rate-Limit-*} and {@code RateLimit-*} (reset in seconds).
     */
    private void honourRateLimitHeaders(String provider, HttpResponse<?> r) {
        // Strava: "15-minute,daily" limits and usage; a used-up window pauses until it turns (:00/:15/:30/:45, midnight UTC)
        for (String prefix : new String[] { "X-ReadRateLimit-", "X-RateLimit-" }) {
            Optional<String> limit = r.headers().firstValue(prefix + "Limit");
            Optional<String> usage = r.headers().firstValue(prefix + "Usage");
            if (limit.isPresent() && usage.isPresent() && limit.get().contains(",")) {
                try {
                    String[] l = limit.get().split(",");
                    String[] u = usage.get().split(",");
                    Instant now = clock.instant();
                    if (Long.parseLong(u[1].trim()) >= Long.parseLong(l[1].trim())) {
                        quotas.pause(provider, now.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1)
                                .atStartOfDay(ZoneOffset.UTC).toInstant());
                    } else if (Long.parseLong(u[0].trim()) >= Long.parseLong(l[0].trim())) {
                        long quarter = 900;
                        quotas.pause(provider, Instant.ofEpochSecond((now.getEpochSecond() / quarter + 1) * quarter));
                    }
                } catch (RuntimeException e) {
                    // a header we do not understand is ignored, the quota still applies
                }
                return;
            }
        }
        for (String prefix : new String[] { "X-RateLimit-", "Fitbit-Rate-Limit-", "RateLimit-" }) {
            Optional<String> remaining = r.headers().firstValue(prefix + "Remaining");
            Optional<String> reset = r.headers().firstValue(prefix + "Reset");
            if (remaining.isPresent() && reset.isPresent()) {
                try {
                    if (Long.parseLong(remaining.get().trim()) <= 0) {
                        long v = Long.parseLong(reset.get().trim());
                        Instant until = v > 1_000_000_000L ? Instant.ofEpochSecond(v) : clock.instant().plusSeconds(v);
                        quotas.pause(provider, until);
                    }
                } catch (NumberFormatException e) {
                    // a header we do not understand is ignored, the quota still applies
                }
                return;
            }
        }
    }

    /** Time of every answered request, with a p95 over the last minutes (Micrometer's decaying histogram). */
    private Timer latency(String provider) {
        return Timer.builder("healthbridge.provider.request.latency").tag("provider", provider)
                .publishPercentiles(0.95).distributionStatisticExpiry(Duration.ofMinutes(5)).distributionStatisticBufferLength(5)
                .description("time to a provider's answer").register(meters);
    }

    private void count(ProviderSettings s, String outcome) {
        meters.counter("healthbridge.provider.requests", "provider", s.provider(), "outcome", outcome).increment();
    }

    static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String b = body.replaceAll("\\s+", " ");
        return b.length() > 300 ? b.substring(0, 300) + "…" : b;
    }
}
