package io.healthbridge.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.auth.ConnectionRevokedException;
import io.healthbridge.auth.OAuthException;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.quota.QuotaExhaustedException;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of a provider, run by the {@code provider-poll} route template on its schedule: for every active connection
 * and dataset, fetch what is new since the cursor (in provider-sized windows, every page), ingest it through
 * {@code direct:ingest}, and only then advance the cursor, so a failure never skips data. An open circuit breaker or
 * an exhausted quota ends the poll early; the next poll resumes from the cursors.
 */
public class ProviderPoller implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderPoller.class);

    /** Route headers set by the template: datasets (comma separated), app and per-user quota overrides. */
    public static final String DATASETS = "Healthbridge.datasets";
    public static final String APP_QUOTA = "Healthbridge.appQuota";
    public static final String USER_QUOTA = "Healthbridge.userQuota";

    private final ProviderRegistry providers;
    private final ConnectionStore connections;
    private final ProviderCaller caller;
    private final ProducerTemplate producer;
    private final MeterRegistry meters;
    private final Clock clock;

    public ProviderPoller(ProviderRegistry providers, ConnectionStore connections, ProviderCaller caller,
            ProducerTemplate producer, MeterRegistry meters, Clock clock) {
        this.providers = providers;
        this.connections = connections;
        this.caller = caller;
        this.producer = producer;
        this.meters = meters;
        this.clock = clock;
    }

    /** Outcome of one poll, as the route's body: per connection and dataset, what was published. */
    public record PollResult(String provider, int connections, int published, int duplicates, int deadLettered,
            int skipped, String stoppedBecause) {
    }


    @Override
    public void process(Exchange exchange) throws Exception {
        String provider = exchange.getMessage().getHeader(HealthbridgeHeaders.PROVIDER, String.class);
        String datasets = exchange.getMessage().getHeader(DATASETS, String.class);
        String appQuota = exchange.getMessage().getHeader(APP_QUOTA, String.class);
        String userQuota = exchange.getMessage().getHeader(USER_QUOTA, String.class);
        providers.api(provider).orElseThrow(() -> new IllegalArgumentException("unknown provider '" + provider + "'"));
        providers.routeQuotas(provider, appQuota, userQuota);
        if (!providers.pollDue(provider, clock.instant())) {
            exchange.getMessage().setBody(new PollResult(provider, 0, 0, 0, 0, 0, providers.isActive(provider)
                    ? "not due (integration schedule)" : "integration unregistered"));
            return;
        }
        exchange.getMessage().setBody(poll(provider, datasets == null ? null : Arrays.stream(datasets.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList(), appQuota, userQuota));
    }

    public PollResult poll(String provider, List<String> datasets, String appQuota, String userQuota)
            throws InterruptedException {
        ProviderApi api = providers.api(provider)
                .orElseThrow(() -> new IllegalArgumentException("unknown provider '" + provider + "'"));
        providers.routeQuotas(provider, appQuota, userQuota);
        ProviderSettings settings = providers.settings(provider);
        List<String> wanted = datasets == null || datasets.isEmpty() || datasets.equals(List.of("all")) ? api.datasets()
                : datasets;
        for (String d : wanted) {
            if (!api.datasets().contains(d)) {
                throw new IllegalArgumentException(provider + " has no dataset '" + d + "'; known: " + api.datasets());
            }
        }
        meters.counter("healthbridge.polls.runs", "provider", provider).increment();
        int[] totals = new int[4];
        int polled = 0;
        String stopped = null;
        var breaker = caller.breaker(settings);
        for (Connection c : connections.list(provider, null)) {
            if (!c.isActive()) {
                continue;
            }
            if (breaker.getState() == CircuitBreaker.State.OPEN) {
                stopped = "circuit breaker open";
                meters.counter("healthbridge.polls.skipped", "provider", provider, "reason", "circuit_open").increment();
                LOG.info("Poll of {} skipped: circuit breaker open; cursors kept, next poll resumes", provider);
                break;
            }
            polled++;
            String error = null;
            try {
                for (String dataset : wanted) {
                    try {
                        IngestSummary s = sync(api, settings, c, dataset);
                        totals[0] += s.published();
                        totals[1] += s.duplicates();
                        totals[2] += s.deadLettered();
                        totals[3] += s.skipped();
                    } catch (ProviderCallException | OAuthException e) {
                        error = dataset + ": " + e.getMessage();
                        connections.recordCursorError(c.id(), dataset, e.getMessage());
                        LOG.warn("Sync of {} {} for connection {} failed: {}", provider, dataset, c.id(), e.getMessage());
                    }
                }
            } catch (CircuitOpenException e) {
                stopped = "circuit breaker open";
                connections.recordSync(c.id(), null, e.getMessage());
                break;
            } catch (QuotaExhaustedException e) {
                stopped = "quota exhausted";
                meters.counter("healthbridge.polls.skipped", "provider", provider, "reason", "quota").increment();
                LOG.info("Poll of {} paused: {}; next poll resumes", provider, e.getMessage());
                break;
            } catch (ConnectionRevokedException e) {
                LOG.warn("Connection {} of {} skipped: {}", c.id(), provider, e.getMessage());
                continue;
            }
            connections.recordSync(c.id(), clock.instant(), error);
        }
        PollResult result = new PollResult(provider, polled, totals[0], totals[1], totals[2], totals[3], stopped);
        if (totals[0] + totals[2] + totals[3] > 0 || stopped != null) {
            LOG.info("Poll of {}: {} connection(s), {} published, {} duplicate, {} dead-lettered, {} skipped{}",
                    provider, polled, totals[0], totals[1], totals[2], totals[3],
                    stopped == null ? "" : ", stopped: " + stopped);
        }
        return result;
    }

    /**
     * Syncs one dataset of one connection now (a push notification said there is new data), through the same quota,
     * breaker, retries and cursor as polling.
     */
    public IngestSummary syncNow(Connection c, String dataset) throws InterruptedException {
        ProviderApi api = providers.api(c.provider())
                .orElseThrow(() -> new IllegalArgumentException("unknown provider '" + c.provider() + "'"));
        ProviderSettings settings = providers.settings(c.provider());
        if (caller.breaker(settings).getState() == CircuitBreaker.State.OPEN) {
            throw new CircuitOpenException(c.provider());
        }
        IngestSummary s = sync(api, settings, c, dataset);
        connections.recordSync(c.id(), clock.instant(), null);
        return s;
    }

    private IngestSummary sync(ProviderApi api, ProviderSettings s, Connection c, String dataset)
            throws InterruptedException {
        String cursor = connections.cursors(c.id()).get(dataset);
        Instant now = clock.instant();
        Instant from = cursor == null || cursor.isBlank() ? now.minus(s.initialLookback())
                : Instant.parse(cursor).minus(api.overlap(dataset));
        ZoneId zone = c.zone() == null ? ZoneId.of("UTC") : ZoneId.of(c.zone());
        IngestSummary total = new IngestSummary();
        for (TimeWindow window : new TimeWindow(from, now).chunks(api.maxWindow(dataset))) {
            total.add(fetch(api, s, c, dataset, window, zone));
            // every page of the window is published: only now may the cursor move past it
            connections.saveCursor(c.id(), dataset, window.to().toString(), clock.instant());
        }
        return total;
    }

    /**
     * Fetches and publishes one window of a dataset, every page, without touching the cursor (backfills), through the
     * same quota, breaker and retries.
     */
    public IngestSummary fetchWindow(Connection c, String dataset, TimeWindow window) throws InterruptedException {
        ProviderApi api = providers.api(c.provider())
                .orElseThrow(() -> new IllegalArgumentException("unknown provider '" + c.provider() + "'"));
        return fetch(api, providers.settings(c.provider()), c, dataset, window,
                c.zone() == null ? ZoneId.of("UTC") : ZoneId.of(c.zone()));
    }

    /** Sends a provider's asynchronous backfill request; a 409 (already requested) counts as sent. */
    public void requestBackfill(Connection c, ProviderRequest request) throws InterruptedException {
        ProviderApi api = providers.api(c.provider()).orElseThrow();
        try {
            caller.call(api, providers.settings(c.provider()), c, request);
        } catch (ProviderCallException e) {
            if (e.getStatus() != 409) {
                throw e;
            }
        }
    }

    /** Ingests data a provider pushed inline (Garmin push), as if it had been fetched. */
    public IngestSummary ingestPushed(Connection c, String dataset, JsonNode payload) {
        return ingest(c, dataset, payload, c.zone() == null ? ZoneId.of("UTC") : ZoneId.of(c.zone()));
    }

    /**
     * Fetches a callback URL a provider sent (Garmin ping) through the same quota, breaker and retries, and ingests
     * it. Only URLs under the provider's own base URL are followed.
     */
    public IngestSummary fetchCallback(Connection c, String dataset, String url) throws InterruptedException {
        ProviderApi api = providers.api(c.provider()).orElseThrow();
        ProviderSettings s = providers.settings(c.provider());
        String base = s.baseUrl().endsWith("/") ? s.baseUrl().substring(0, s.baseUrl().length() - 1) : s.baseUrl();
        if (url == null || !url.startsWith(base + "/")) {
            throw new IllegalArgumentException("callback URL is not under " + base);
        }
        JsonNode body = caller.call(api, s, c, ProviderRequest.get(url.substring(base.length()), Map.of()));
        return ingestPushed(c, dataset, body);
    }

    private IngestSummary fetch(ProviderApi api, ProviderSettings s, Connection c, String dataset, TimeWindow window,
            ZoneId zone) throws InterruptedException {
        IngestSummary total = new IngestSummary();
        String pageToken = null;
        do {
            JsonNode body = caller.call(api, s, c, api.request(dataset, window, pageToken, zone));
            Page page = api.page(dataset, body, pageToken);
            withDetails(api, s, c, dataset, page.payload());
            total.add(ingest(c, dataset, page.payload(), zone));
            pageToken = page.nextPageToken();
        } while (pageToken != null);
        return total;
    }

    /**
     * Puts into each record of a page what its {@link ProviderApi#detailRequest} answers (Strava: an activity's
     * streams), through the same guarded call. A record the provider has no detail for (404: a manual activity has no
     * streams) goes without; any other failure fails the page, which is fetched again from the same cursor.
     */
    private void withDetails(ProviderApi api, ProviderSettings s, Connection c, String dataset, JsonNode payload)
            throws InterruptedException {
        if (!payload.isArray()) {
            return;
        }
        for (JsonNode record : payload) {
            Optional<ProviderRequest> request = record.isObject() ? api.detailRequest(dataset, record) : Optional.empty();
            if (request.isEmpty()) {
                continue;
            }
            try {
                ((ObjectNode) record).set(api.detailField(dataset), caller.call(api, s, c, request.get()));
            } catch (ProviderCallException e) {
                if (e.getStatus() != 404) {
                    throw e;
                }
            }
        }
    }

    /**
     * Replaces the connection's events from a record the provider deleted with tombstones (the publish path's
     * {@code direct:delete}); returns how many tombstones were published.
     */
    public int delete(Connection c, Deletion deletion) {
        List<?> tombstones = producer.requestBodyAndHeaders("direct:delete", deletion, Map.of(
                HealthbridgeHeaders.PROVIDER, c.provider(), HealthbridgeHeaders.USER_ID, c.userId(),
                HealthbridgeHeaders.WORK_BEGAN, c.readAt()), List.class);
        return tombstones == null ? 0 : tombstones.size();
    }

    private IngestSummary ingest(Connection c, String dataset, JsonNode payload, ZoneId zone) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(HealthbridgeHeaders.PROVIDER, c.provider());
        headers.put(HealthbridgeHeaders.DATASET, dataset);
        headers.put(HealthbridgeHeaders.USER_ID, c.userId());
        if (c.providerUserId() != null) {
            headers.put(HealthbridgeHeaders.PROVIDER_USER_ID, c.providerUserId());
        }
        headers.put(HealthbridgeHeaders.ZONE, zone.getId());
        // what was fetched with this copy of the connection was fetched for the user as they were when it was read
        headers.put(HealthbridgeHeaders.WORK_BEGAN, c.readAt());
        return producer.requestBodyAndHeaders("direct:ingest", payload, headers, IngestSummary.class);
    }

    static Duration elapsed(Instant since, Clock clock) {
        return Duration.between(since, clock.instant());
    }
}
