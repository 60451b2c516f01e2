package io.healthbridge.backfill;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.healthbridge.event.IngestSummary;
import io.healthbridge.provider.CircuitOpenException;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderPoller;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.TimeWindow;
import io.healthbridge.quota.QuotaExhaustedException;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs backfills ({@code backfill-process} route): on every tick, one provider-sized chunk of each running job,
 * through the poller's quota, breaker and retries (live polls keep their share of the quota), its position stored
 * after the chunk. Events are deduplicated against live ones by their ids. A chunk that keeps failing is retried five
 * times and then skipped, counted as an error.
 */
public class BackfillRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillRunner.class);
    static final int CHUNK_ATTEMPTS = 5;

    private final BackfillStore store;
    private final ConnectionStore connections;
    private final ProviderRegistry providers;
    private final ProviderPoller poller;
    private final Clock clock;

    public BackfillRunner(BackfillStore store, ConnectionStore connections, ProviderRegistry providers,
            ProviderPoller poller, Clock clock) {
        this.store = store;
        this.connections = connections;
        this.providers = providers;
        this.poller = poller;
        this.clock = clock;
    }

    /** Validates and creates a job; its chunks are the provider's largest windows over the range, per dataset. */
    public Backfill start(Connection c, List<String> datasets, Instant from, Instant to) {
        ProviderApi api = providers.api(c.provider())
                .orElseThrow(() -> new IllegalArgumentException("provider " + c.provider() + " cannot be pulled"));
        List<String> wanted = datasets == null || datasets.isEmpty() ? api.datasets() : datasets;
        for (String d : wanted) {
            if (!api.datasets().contains(d)) {
                throw new IllegalArgumentException("unknown dataset '" + d + "'; " + c.provider() + " has " + api.datasets());
            }
        }
        int chunks = 0;
        for (String d : wanted) {
            chunks += new TimeWindow(from, to).chunks(window(api, d)).size();
        }
        Backfill b = store.create(c.id(), c.provider(), wanted, from, to, chunks);
        LOG.info("Backfill {} started: {} {} from {} to {}, {} chunks", b.id(), c.provider(), wanted, from, to, chunks);
        return b;
    }


    public synchronized void run() throws InterruptedException {
        for (Backfill b : store.running()) {
            // instances sharing a store share the backfills: each chunk runs on the one instance that claims it
            if (store.claim(b, clock.instant().plus(CHUNK_CLAIM))) {
                step(b);
            }
        }
    }

    /** How long a claimed chunk is this instance's; a crash makes it due again after this. */
    static final Duration CHUNK_CLAIM = Duration.ofMinutes(5);

    private void step(Backfill b) throws InterruptedException {
        Connection c = connections.get(b.connectionId()).orElse(null);
        if (c == null || !c.isActive()) {
            store.save(with(b, Backfill.FAILED, b.chunksDone(), b.datasetIndex(), b.windowStart(), 0, null,
                    "connection gone or not active"));
            return;
        }
        ProviderApi api = providers.api(b.provider()).orElse(null);
        if (api == null) {
            store.save(with(b, Backfill.FAILED, b.chunksDone(), b.datasetIndex(), b.windowStart(), 0, null,
                    "provider no longer known"));
            return;
        }
        String dataset = b.datasets().get(b.datasetIndex());
        Instant end = b.windowStart().plus(window(api, dataset));
        if (end.isAfter(b.to())) {
            end = b.to();
        }
        TimeWindow window = new TimeWindow(b.windowStart(), end);
        IngestSummary s;
        try {
            var request = api.backfillRequest(dataset, window);
            if (request.isPresent()) {
                // the provider sends this history later, by push: the request is the chunk
                poller.requestBackfill(c, request.get());
                s = new IngestSummary();
            } else {
                s = poller.fetchWindow(c, dataset, window);
            }
        } catch (CircuitOpenException | QuotaExhaustedException e) {
            store.release(b.id());
            return; // the provider needs a pause: the same chunk on a later tick
        } catch (RuntimeException e) {
            if (b.chunkAttempts() + 1 < CHUNK_ATTEMPTS) {
                store.save(with(b, b.status(), b.chunksDone(), b.datasetIndex(), b.windowStart(), b.chunkAttempts() + 1,
                        null, e.getMessage()));
                return;
            }
            LOG.warn("Backfill {}: chunk {} {} skipped after {} attempts: {}", b.id(), dataset, window, CHUNK_ATTEMPTS,
                    e.getMessage());
            advance(b, api, dataset, end, null, e.getMessage(), true);
            return;
        }
        advance(b, api, dataset, end, s, null, false);
    }

    private void advance(Backfill b, ProviderApi api, String dataset, Instant end, IngestSummary s, String error,
            boolean failed) {
        int datasetIndex = b.datasetIndex();
        Instant next = end;
        if (!end.isBefore(b.to())) {
            datasetIndex++;
            next = b.from();
        }
        boolean done = datasetIndex >= b.datasets().size();
        Backfill updated = new Backfill(b.id(), b.connectionId(), b.provider(), b.datasets(), b.from(), b.to(),
                done ? Backfill.DONE : Backfill.RUNNING, b.chunksTotal(), b.chunksDone() + 1, done ? b.datasetIndex() : datasetIndex,
                next, 0, b.eventsPublished() + (s == null ? 0 : s.published()),
                b.duplicates() + (s == null ? 0 : s.duplicates()), b.deadLettered() + (s == null ? 0 : s.deadLettered()),
                b.errors() + (failed ? 1 : 0), error != null ? error : b.lastError(), b.createdAt(), b.updatedAt(),
                done ? clock.instant() : null);
        store.save(updated);
        LOG.info("Backfill {} {}: {}/{} chunks, {} events published, {} duplicates, {} errors{}", b.id(), b.provider(),
                updated.chunksDone(), updated.chunksTotal(), updated.eventsPublished(), updated.duplicates(),
                updated.errors(), done ? ", done" : ", ETA " + eta(updated).toSeconds() + " s");
    }

    private static Duration window(ProviderApi api, String dataset) {
        return api.backfillRequest(dataset, new TimeWindow(Instant.EPOCH, Instant.EPOCH)).isPresent()
                ? api.backfillWindow(dataset) : api.maxWindow(dataset);
    }

    /** Remaining time at the pace so far. */
    public Duration eta(Backfill b) {
        if (b.chunksDone() == 0 || Backfill.DONE.equals(b.status())) {
            return Duration.ZERO;
        }
        Duration elapsed = Duration.between(b.createdAt(), clock.instant());
        return elapsed.dividedBy(b.chunksDone()).multipliedBy(b.chunksTotal() - b.chunksDone());
    }

    private static Backfill with(Backfill b, String status, int done, int index, Instant start, int attempts, Instant finished,
            String error) {
        return new Backfill(b.id(), b.connectionId(), b.provider(), b.datasets(), b.from(), b.to(), status, b.chunksTotal(),
                done, index,
                start, attempts, b.eventsPublished(), b.duplicates(), b.deadLettered(), b.errors(), error, b.createdAt(),
                b.updatedAt(), finished);
    }
}
