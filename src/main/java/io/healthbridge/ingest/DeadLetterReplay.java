package io.healthbridge.ingest;

import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.Invariants;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.store.DeadLetter;
import io.healthbridge.store.DeadLetterStore;
import org.apache.camel.ProducerTemplate;

/**
 * Replays a dead letter after a fix: maps its provider record again (or takes its event as is when it has no record
 * kind), validates every event, and publishes them through {@code direct:publish} only when all are valid.
 */
public class DeadLetterReplay {

    /** Outcome of one replay. */
    public record Result(boolean published, List<String> eventIds, String reason) {
    }

    private final EventPipeline pipeline;
    private final DeadLetterStore store;
    private final ProducerTemplate producer;
    private final Clock clock;

    public DeadLetterReplay(EventPipeline pipeline, DeadLetterStore store, ProducerTemplate producer, Clock clock) {
        this.pipeline = pipeline;
        this.store = store;
        this.producer = producer;
        this.clock = clock;
    }

    public Result replay(DeadLetter d) {
        if (DeadLetter.REPLAYED.equals(d.status())) {
            return new Result(false, List.of(), "already replayed at " + d.replayedAt());
        }
        List<CanonicalEvent> events;
        try {
            events = remap(d);
        } catch (RecordSkipped e) {
            // the mapper now leaves the record out on purpose: nothing to publish, and nothing lost
            store.recordReplay(d.id(), true, "skipped on purpose (" + e.reason() + "): " + e.getMessage(),
                    clock.instant());
            return new Result(true, List.of(), null);
        } catch (RuntimeException e) {
            return fail(d, "mapping still fails: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (CanonicalEvent e : events) {
            List<String> errors = pipeline.schemas().validate(e);
            if (!errors.isEmpty()) {
                problems.add(e.type() + ": " + String.join("; ", errors));
            } else {
                Invariants.check(e).forEach(v -> problems.add(e.type() + ": " + v));
            }
        }
        if (!problems.isEmpty()) {
            return fail(d, "events still break their schema or an invariant: " + String.join(" | ", problems));
        }
        List<String> ids = new ArrayList<>();
        for (CanonicalEvent e : events) {
            producer.sendBody("direct:publish", e);
            ids.add(e.id());
        }
        store.recordReplay(d.id(), true, "published " + ids.size() + " event(s)", clock.instant());
        return new Result(true, ids, null);
    }

    private List<CanonicalEvent> remap(DeadLetter d) {
        if (d.dataset() == null) {
            return List.of(CanonicalEvent.fromJson(EventJson.read(d.event() != null ? d.event() : d.raw())));
        }
        ProviderMapper mapper = pipeline.mappers().get(d.provider())
                .orElseThrow(() -> new MappingException("no mapper for provider '" + d.provider() + "'"));
        MappingContext ctx = new MappingContext(d.provider(), d.userId(), d.providerUserId(), clock.instant(),
                d.zone() == null ? null : ZoneId.of(d.zone()));
        return mapper.mapRecord(d.dataset(), EventJson.read(d.raw()), ctx);
    }

    private Result fail(DeadLetter d, String reason) {
        store.recordReplay(d.id(), false, reason, clock.instant());
        return new Result(false, List.of(), reason);
    }
}
