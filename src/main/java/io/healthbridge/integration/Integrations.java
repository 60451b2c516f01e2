package io.healthbridge.integration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderCaller;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.ProviderSettings;
import io.healthbridge.quota.QuotaExhaustedException;
import io.healthbridge.quota.QuotaGate;
import io.healthbridge.quota.QuotaSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integration registry: every provider the runtime can call, with its effective settings, live figures and a
 * health check; integrations registered, changed or unregistered through the API are stored and applied at once
 * (settings re-read, breaker rebuilt, quotas re-sized) without a restart.
 */
public class Integrations {

    private static final Logger LOG = LoggerFactory.getLogger(Integrations.class);

    /** A change that cannot be applied: field → reason. */
    public static class InvalidException extends RuntimeException {
        private final Map<String, String> errors;

        public InvalidException(Map<String, String> errors) {
            super("invalid integration: " + errors);
            this.errors = errors;
        }

        public Map<String, String> errors() {
            return errors;
        }
    }

    /** Registering what is registered already. */
    public static class ConflictException extends RuntimeException {
        public ConflictException(String message) {
            super(message);
        }
    }

    private final IntegrationStore store;
    private final ProviderRegistry providers;
    private final ProviderCaller caller;
    private final QuotaGate quotas;
    private final MeterRegistry meters;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, IntegrationStore.Record> records = new ConcurrentHashMap<>();

    /** Where a registered integration's URLs may point; null: anywhere. */
    public void setTargets(TargetPolicy targets) {
        this.targets = targets;
    }

    private TargetPolicy targets;

    public Integrations(IntegrationStore store, ProviderRegistry providers, ProviderCaller caller, QuotaGate quotas,
            MeterRegistry meters, Clock clock) {
        this.store = store;
        this.providers = providers;
        this.caller = caller;
        this.quotas = quotas;
        this.meters = meters;
        this.clock = clock;
        store.list().forEach(r -> records.put(r.provider(), r));
        providers.setIntegrations(this::overrides, this::isActive);
        caller.setActive(this::isActive);
    }

    /**
     * Takes in what another instance sharing the store registered, changed or unregistered since this one last looked
     * (the {@code integrations-refresh} route, every 2 s): each changed provider is reloaded as if changed here.
     */
    public void refresh() {
        Map<String, IntegrationStore.Record> now = new HashMap<>();
        store.list().forEach(r -> now.put(r.provider(), r));
        for (IntegrationStore.Record r : now.values()) {
            if (!same(r, records.get(r.provider()))) {
                records.put(r.provider(), r);
                providers.reload(r.provider());
                caller.resetBreaker(r.provider());
                LOG.info("Integration {} changed on another instance: now {}", r.provider(), r.state());
            }
        }
    }

    /** The same change: the store keeps times to the microsecond at best, this process to the nanosecond. */
    private static boolean same(IntegrationStore.Record a, IntegrationStore.Record b) {
        return b != null && a.state().equals(b.state()) && a.settings().equals(b.settings())
               && a.updatedAt().toEpochMilli() == b.updatedAt().toEpochMilli();
    }

    Map<String, String> overrides(String provider) {
        IntegrationStore.Record r = records.get(provider);
        return r == null || !IntegrationStore.REGISTERED.equals(r.state()) ? Map.of() : r.settings();
    }

    public boolean isActive(String provider) {
        IntegrationStore.Record r = records.get(provider);
        return r == null || !IntegrationStore.UNREGISTERED.equals(r.state());
    }

    /** {@code registered} (through the API), {@code configured} (configuration only) or {@code unregistered}. */
    public String state(String provider) {
        IntegrationStore.Record r = records.get(provider);
        return r == null ? "configured" : r.state();
    }

    public List<String> providers() {
        return providers.all().stream().map(ProviderApi::provider).sorted().toList();
    }

    public boolean exists(String provider) {
        return providers.api(provider).isPresent();
    }

    /** Registers an integration of a known provider type; a registered one answers {@link ConflictException}. */
    public IntegrationStore.Record register(String provider, JsonNode body, String actor) {
        if (IntegrationStore.REGISTERED.equals(state(provider))) {
            throw new ConflictException("integration '" + provider + "' is already registered; PUT or PATCH changes it");
        }
        return apply(provider, parse(body, true), actor);
    }

    /** Changes a registered or configured integration: {@code partial} merges into what was registered before. */
    public IntegrationStore.Record update(String provider, JsonNode body, boolean partial, String actor) {
        Map<String, String> changes = parse(body, false);
        Map<String, String> next = new LinkedHashMap<>(partial ? overrides(provider) : Map.of());
        changes.forEach((k, v) -> {
            if (v == null) {
                next.remove(k); // null resets a field to configuration
            } else {
                next.put(k, v);
            }
        });
        return apply(provider, next, actor);
    }

    /** Unregisters: no call goes to the provider any more, its polls stop; registering again brings it back. */
    public void unregister(String provider, String actor) {
        IntegrationStore.Record r = store.save(provider, IntegrationStore.UNREGISTERED, Map.of(), actor);
        records.put(provider, r);
        providers.reload(provider);
        caller.resetBreaker(provider);
    }

    private IntegrationStore.Record apply(String provider, Map<String, String> settings, String actor) {
        settings.values().removeIf(v -> v == null);
        try {
            ProviderSettings trial = providers.trial(provider, settings);
            QuotaSpec.parse(trial.appQuota());
            QuotaSpec.parse(trial.userQuota());
            if (trial.initialBackoff().compareTo(trial.maxBackoff()) > 0) {
                throw new InvalidException(Map.of("retry.initial_backoff_ms", "must not exceed retry.max_backoff_ms"));
            }
        } catch (InvalidException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidException(Map.of("settings", String.valueOf(e.getMessage())));
        }
        IntegrationStore.Record r = store.save(provider, IntegrationStore.REGISTERED, settings, actor);
        records.put(provider, r);
        providers.reload(provider);
        caller.resetBreaker(provider);
        return r;
    }

    /** JSON → setting keys (see {@link IntegrationFields#parse}). */
    Map<String, String> parse(JsonNode body, boolean needsProvider) {
        return IntegrationFields.parse(body, targets);
    }

    /** The integration as the API shows it: settings (never the client secret), figures, breaker and quota. */
    public Map<String, Object> view(String provider) {
        ProviderSettings s = providers.settings(provider);
        ProviderApi api = providers.api(provider).orElseThrow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", provider);
        m.put("state", state(provider));
        m.put("simulated", s.simulated());
        m.put("datasets", api.datasets());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("base_url", s.baseUrl());
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("client_id", s.oauth().clientId());
        auth.put("client_secret_set", s.oauth().clientSecret() != null);
        auth.put("authorize_url", String.valueOf(s.oauth().authorizeUrl()));
        auth.put("token_url", String.valueOf(s.oauth().tokenUrl()));
        auth.put("revoke_url", s.oauth().revokeUrl() == null ? null : s.oauth().revokeUrl().toString());
        auth.put("scopes", s.oauth().scopes());
        settings.put("auth", auth);
        settings.put("quotas", map("app", s.appQuota(), "user", s.userQuota(), "max_wait_ms", s.quotaMaxWait().toMillis()));
        settings.put("breaker", map("minimum_calls", s.breakerMinimumCalls(), "failure_rate", s.breakerFailureRate(),
                "open_ms", s.breakerOpenFor().toMillis()));
        settings.put("retry", map("max_attempts", s.maxAttempts(), "initial_backoff_ms", s.initialBackoff().toMillis(),
                "max_backoff_ms", s.maxBackoff().toMillis()));
        settings.put("timeout_ms", s.timeout().toMillis());
        settings.put("initial_lookback_days", s.initialLookback().toDays());
        settings.put("schedule", map("poll_interval_ms", s.pollInterval() == null ? null : s.pollInterval().toMillis(),
                "enabled", s.pollEnabled(), "last_poll_at", providers.lastPoll(provider) == null ? null
                        : providers.lastPoll(provider).toString()));
        m.put("settings", settings);
        IntegrationStore.Record r = records.get(provider);
        m.put("registered_fields", r == null ? List.of() : r.settings().keySet().stream()
                .map(k -> IntegrationFields.FIELDS.stream().filter(f -> f.key().equals(k)).map(IntegrationFields.Field::json).findFirst().orElse(k)).toList());
        m.put("updated_at", r == null ? null : r.updatedAt().toString());
        m.put("updated_by", r == null ? null : r.updatedBy());
        m.put("metrics", metrics(provider));
        CircuitBreaker b = caller.existingBreaker(provider).orElse(null);
        m.put("breaker", b == null ? map("state", "CLOSED", "failure_rate", null, "buffered_calls", 0)
                : map("state", b.getState().name(), "failure_rate",
                        b.getMetrics().getFailureRate() < 0 ? null : b.getMetrics().getFailureRate(),
                        "buffered_calls", b.getMetrics().getNumberOfBufferedCalls()));
        long remaining = quotas.remaining(provider);
        m.put("quota", map("app", s.appQuota(), "remaining", remaining < 0 ? null : remaining, "paused_until",
                quotas.pausedUntil(provider) == null || quotas.pausedUntil(provider).isBefore(clock.instant()) ? null
                        : quotas.pausedUntil(provider).toString()));
        return m;
    }

    /** Requests (answered ones; {@code circuit_open} refusals are not requests), retries, latency, success rate. */
    Map<String, Object> metrics(String provider) {
        double total = 0;
        double succeeded = 0;
        for (Counter c : meters.find("healthbridge.provider.requests").tag("provider", provider).counters()) {
            String outcome = c.getId().getTag("outcome");
            if ("circuit_open".equals(outcome)) {
                continue;
            }
            total += c.count();
            if ("success".equals(outcome)) {
                succeeded += c.count();
            }
        }
        Counter retries = meters.find("healthbridge.provider.retries").tag("provider", provider).counter();
        Timer latency = meters.find("healthbridge.provider.request.latency").tag("provider", provider).timer();
        Double p95 = null;
        if (latency != null) {
            for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
                if (Math.abs(v.percentile() - 0.95) < 1e-9 && !Double.isNaN(v.value())) {
                    p95 = round(v.value(TimeUnit.MILLISECONDS));
                }
            }
        }
        return map("requests_total", (long) total, "succeeded", (long) succeeded, "failed", (long) (total - succeeded),
                "retries", retries == null ? 0L : (long) retries.count(),
                "success_rate", total == 0 ? null : round(succeeded / total),
                "latency_ms", map("average", latency == null || latency.count() == 0 ? null
                        : round(latency.mean(TimeUnit.MILLISECONDS)), "p95", p95));
    }

    /**
     * Asks the provider now: an unauthenticated GET of its base URL (it takes one request of the app quota). Any
     * answer below 500 within the timeout is healthy: the API is up and reachable; 5xx, timeouts and refused
     * connections are not.
     */
    public Map<String, Object> healthCheck(String provider) throws InterruptedException {
        ProviderSettings s = providers.settings(provider);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", provider);
        out.put("checked_url", s.baseUrl());
        out.put("at", clock.instant().toString());
        if (!isActive(provider)) {
            out.put("healthy", false);
            out.put("error", "integration unregistered: not probed");
            return out;
        }
        try {
            quotas.configure(provider, QuotaSpec.parse(s.appQuota()), QuotaSpec.parse(s.userQuota()));
            quotas.acquire(provider, null, Duration.ZERO);
        } catch (QuotaExhaustedException e) {
            out.put("healthy", null);
            out.put("error", "app quota exhausted: not probed (" + e.getMessage() + ")");
            return out;
        }
        long start = System.nanoTime();
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(s.baseUrl()))
                    .timeout(s.timeout().compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : s.timeout())
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            out.put("healthy", r.statusCode() < 500);
            out.put("status_code", r.statusCode());
            if (r.statusCode() >= 500) {
                out.put("error", "answered " + r.statusCode());
            }
        } catch (IOException e) {
            out.put("healthy", false);
            out.put("error", e instanceof HttpTimeoutException ? "timed out"
                    : "unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        out.put("latency_ms", round((System.nanoTime() - start) / 1e6));
        out.put("breaker_state", caller.existingBreaker(provider).map(b -> b.getState().name()).orElse("CLOSED"));
        return out;
    }

    private static Double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
