package io.healthbridge.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.FhirRenderer;
import io.healthbridge.event.TypeGlob;
import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.store.StoredEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the outbox from the sink's cursor and hands each matching event (or each batch) to the route, one exchange at
 * a time; the cursor moves past a batch only when the route completed every exchange of it (at-least-once: a failure
 * or a kill sends the batch again). A failing route is retried after a growing pause (1 s doubling to 5 minutes, with
 * jitter), on this consumer's own thread: no other sink, webhook or the publish path waits for it. Maintenance mode
 * pauses it; on a cluster one instance at a time reads a sink (the holder of its PostgreSQL advisory lock).
 */
final class HealthbridgeEventsConsumer extends ScheduledPollConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(HealthbridgeEventsConsumer.class);
    static final long FIRST_RETRY_MS = 1000;
    static final long MAX_RETRY_MS = 300_000;
    /** Outbox reads per poll at most, so a long backlog still lets the consumer stop between polls. */
    static final int READS_PER_POLL = 20;
    /** Outbox events read at a time: the most a kill or a failure sends again (a cursor save per read). */
    static final int READ_SIZE = 100;

    private final HealthbridgeEventsEndpoint endpoint;
    private final List<TypeGlob> types;
    private final Set<String> users;
    private Sinks.Sink sink;
    private OutboxReader reader;
    private Sinks.Lead lead;
    private int failures;
    private long retryAtNanos;

    HealthbridgeEventsConsumer(HealthbridgeEventsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.types = endpoint.typePatterns();
        this.users = endpoint.userSet();
    }

    /** The route failed an exchange: the batch is read again after the pause. */
    private static final class RouteFailed extends RuntimeException {
        RouteFailed(Throwable cause) {
            super(cause);
        }
    }

    @Override
    protected void doStart() throws Exception {
        String routeId = getRouteId() == null ? "?" : getRouteId();
        sink = endpoint.sinks().open(endpoint.sinkId(), routeId, endpoint.describe());
        lead = endpoint.sinks().lead(endpoint.sinkId());
        reader = endpoint.sinks().reader(endpoint.sinkId(), Math.max(READ_SIZE, endpoint.getBatchSize()),
                "earliest".equals(endpoint.getStartAt()));
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (reader != null) {
            reader.flush();
        }
        if (sink != null) {
            endpoint.sinks().close(sink);
        }
        if (lead != null) {
            lead.close();
        }
    }

    @Override
    protected int poll() throws Exception {
        if (!endpoint.sinks().active() || System.nanoTime() - retryAtNanos < 0 || !lead.holds()) {
            return 0;
        }
        int[] taken = {0};
        try {
            for (int i = 0; i < READS_PER_POLL && isRunAllowed(); i++) {
                if (!reader.read(batch -> taken[0] += deliver(batch))) {
                    break;
                }
            }
            failures = 0;
        } catch (RouteFailed e) {
            failures++;
            long pause = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(20, failures - 1));
            pause = pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1);
            retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause);
            sink.failed(e.getCause());
            LOG.warn("Sink {} (route {}) failed, {} time(s) in a row; the events are sent again in {} ms: {}",
                    endpoint.sinkId(), getRouteId(), failures, pause, sink.lastError);
        }
        return taken[0];
    }

    /** The batch's matching events to the route; throws {@link RouteFailed} at the first exchange that failed. */
    private int deliver(List<StoredEvent> batch) {
        List<StoredEvent> wanted = new ArrayList<>(batch.size());
        for (StoredEvent e : batch) {
            if ((users.isEmpty() || users.contains(e.subject())) && matches(e)) {
                wanted.add(e);
            }
        }
        int size = endpoint.getBatchSize();
        for (int from = 0; from < wanted.size(); from += size) {
            List<StoredEvent> part = wanted.subList(from, Math.min(wanted.size(), from + size));
            Exchange exchange = createExchange(false);
            try {
                if ("fhir-bundle".equals(endpoint.getFormat())) {
                    exchange.getIn().setBody(FhirRenderer.transactionBundle(part.stream()
                            .map(e -> CanonicalEvent.fromJson(EventJson.read(e.payload()))).toList()));
                    exchange.getIn().setHeader("HealthbridgeEventCount", part.size());
                    exchange.getIn().setHeader("Content-Type", "application/fhir+json");
                } else if (size == 1) {
                    StoredEvent e = part.get(0);
                    exchange.getIn().setBody(render(e));
                    exchange.getIn().setHeader("HealthbridgeEventId", e.id());
                    exchange.getIn().setHeader("HealthbridgeEventType", e.type());
                    exchange.getIn().setHeader("HealthbridgeEventKey", EventJson.read(e.payload()).path("data")
                            .path("key").asText(e.id()));
                    exchange.getIn().setHeader("HealthbridgeSubject", e.subject());
                    exchange.getIn().setHeader("HealthbridgeSeq", e.seq());
                } else {
                    exchange.getIn().setBody(part.stream().map(this::render).toList());
                    exchange.getIn().setHeader("HealthbridgeEventCount", part.size());
                }
                getProcessor().process(exchange);
                if (exchange.getException() != null) {
                    throw new RouteFailed(exchange.getException());
                }
            } catch (RouteFailed e) {
                throw e;
            } catch (Exception e) {
                throw new RouteFailed(e);
            } finally {
                releaseExchange(exchange, false);
            }
            sink.delivered(part.size());
        }
        return wanted.size();
    }

    private boolean matches(StoredEvent e) {
        String name = TypeGlob.subscribed(e.type(), e.provider());
        for (TypeGlob t : types) {
            if (t.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private String render(StoredEvent e) {
        return "fhir".equals(endpoint.getFormat())
                ? FhirRenderer.toJson(CanonicalEvent.fromJson(EventJson.read(e.payload()))) : e.payload();
    }
}
