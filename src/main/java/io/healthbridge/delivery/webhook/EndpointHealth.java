package io.healthbridge.delivery.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each webhook endpoint is doing: a circuit breaker per endpoint, the time it started failing, and disabling it
 * (announced as {@code healthbridge.webhook.disabled}) once every delivery has failed for {@code disable-after} or it
 * answered 410 Gone.
 */
final class EndpointHealth {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointHealth.class);

    private final WebhookStore store;
    private final WebhookDispatcher.Settings settings;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private volatile Consumer<CanonicalEvent> announcer;

    EndpointHealth(WebhookStore store, WebhookDispatcher.Settings settings, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.meters = meters;
        this.clock = clock;
    }

    /** A delivery to the endpoint succeeded: it is no longer failing. */
    void succeeded(WebhookEndpoint ep) {
        if (ep.failingSince() != null) {
            store.endpoints().save(copy(ep, ep.enabled(), ep.disabledReason(), null));
        }
    }

    /** A delivery failed for the endpoint's sake: it is failing since now, or disabled once that lasted too long. */
    void failed(WebhookEndpoint ep) {
        Instant now = clock.instant();
        Instant failingSince = ep.failingSince() == null ? now : ep.failingSince();
        if (ep.failingSince() == null) {
            store.endpoints().save(copy(ep, ep.enabled(), ep.disabledReason(), now));
        } else if (Duration.between(failingSince, now).compareTo(settings.disableAfter()) > 0) {
            disable(ep, "every delivery failed for more than " + settings.disableAfter());
        }
    }

    void disable(WebhookEndpoint ep, String reason) {
        if (!store.endpoints().disableIfEnabled(ep.id(), reason)) {
            return; // another attempt already disabled it
        }
        store.abandonPending(ep.id(), "endpoint disabled: " + reason);
        if (announcer != null) {
            try {
                announcer.accept(disabledEvent(ep, reason));
            } catch (RuntimeException e) {
                LOG.warn("Could not publish the disabling of webhook endpoint {}: {}", ep.id(), e.getMessage());
            }
        }
        meters.counter("healthbridge.webhook.endpoints.disabled").increment();
        LOG.warn("Webhook endpoint {} ({}) disabled: {}", ep.id(), ep.url(), reason);
    }

    /** {@code healthbridge.webhook.disabled}, subject the endpoint id. */
    CanonicalEvent disabledEvent(WebhookEndpoint ep, String reason) {
        MappingContext ctx = new MappingContext("healthbridge", ep.id(), null,
                clock.instant(), null);
        return EventBuilder.of(DataType.WEBHOOK_DISABLED, ctx)
                .sourceRecordId(ep.id()).at(clock.instant().atOffset(ZoneOffset.UTC))
                .put("endpoint_id", ep.id()).put("url", ep.url()).put("reason", reason).build();
    }

    /** Where lifecycle events go ({@code direct:publish}); set once the context runs. */
    void setAnnouncer(Consumer<CanonicalEvent> announcer) {
        this.announcer = announcer;
    }

    private static WebhookEndpoint copy(WebhookEndpoint e, boolean enabled, String reason, Instant failingSince) {
        return new WebhookEndpoint(e.id(), e.url(), e.description(), e.eventTypes(), e.userIds(), e.format(), enabled,
                e.secret(), e.previousSecret(), e.previousSecretUntil(), reason, failingSince, e.createdAt(), e.updatedAt());
    }

    CircuitBreaker breaker(String endpointId) {
        return breakers.computeIfAbsent(endpointId, id -> CircuitBreaker.of("webhook-" + id, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(10)
                .minimumNumberOfCalls(5).failureRateThreshold(80).waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1).automaticTransitionFromOpenToHalfOpenEnabled(true).build()));
    }
}
