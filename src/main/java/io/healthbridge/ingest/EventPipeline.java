package io.healthbridge.ingest;

import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.EventValidationException;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.event.Invariants;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.Payloads;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.event.Tombstones;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.MappedRecord;
import io.healthbridge.provider.MapperRegistry;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.store.BatchOutcome;
import io.healthbridge.store.DeadLetter;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the publish path, called by name from {@code PublishRoutes}: map a provider payload, validate an event,
 * persist it, count it, and dead-letter what cannot be published.
 */
public class EventPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

    public static final String REASON_MAPPING = "mapping_error";
    public static final String REASON_SCHEMA = EventValidationException.REASON_SCHEMA;
    public static final String REASON_PAYLOAD = "payload_invalid";
    public static final String REASON_INVARIANT = "invariant_violated";
    public static final String REASON_STORE = "store_refused";
    /** The most of an unparseable payload a dead letter keeps. */
    static final int MAX_RAW_CHARS = 1 << 20;

    private final MapperRegistry mappers;
    private final SchemaRegistry schemas;
    private final EventStore events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final PublishCounters counts;

    public EventPipeline(MapperRegistry mappers, SchemaRegistry schemas, EventStore events, MeterRegistry meters,
            Clock clock) {
        this.mappers = mappers;
        this.schemas = schemas;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
        this.counts = new PublishCounters(meters);
    }

    public MapperRegistry mappers() {
        return mappers;
    }

    public SchemaRegistry schemas() {
        return schemas;
    }

    public IngestSummary newSummary() {
        return new IngestSummary();
    }

    /**
     * Maps the provider payload in the body (headers name provider, dataset and user) into a list of
     * {@link CanonicalEvent}s and {@link DeadLetter}s, in record order.
     */
    public List<Object> map(Exchange exchange) {
        String provider = required(exchange, HealthbridgeHeaders.PROVIDER);
        String dataset = required(exchange, HealthbridgeHeaders.DATASET);
        String userId = required(exchange, HealthbridgeHeaders.USER_ID);
        String providerUserId = exchange.getMessage().getHeader(HealthbridgeHeaders.PROVIDER_USER_ID, String.class);
        String zone = exchange.getMessage().getHeader(HealthbridgeHeaders.ZONE, String.class);
        ProviderMapper mapper = mappers.get(provider)
                .orElseThrow(() -> new IllegalArgumentException("no mapper for provider '" + provider + "'"));
        MappingContext ctx = new MappingContext(provider, userId, providerUserId, clock.instant(),
                zone == null ? null : ZoneId.of(zone));
        IngestSummary summary = exchange.getProperty(HealthbridgeHeaders.INGEST_SUMMARY, IngestSummary.class);
        List<Object> items = new ArrayList<>();
        // a payload that is not JSON, or not shaped like the dataset at all, is one dead letter holding what came in
        JsonNode payload;
        List<MappedRecord> records;
        try {
            payload = body(exchange);
        } catch (RuntimeException e) {
            return whole(summary, deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "parse",
                    REASON_PAYLOAD, "payload is not JSON: " + e.getMessage(), rawText(exchange), null));
        }
        if (!payload.isContainerNode()) {
            return whole(summary, deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "parse",
                    REASON_PAYLOAD, "payload is JSON " + payload.getNodeType().name().toLowerCase(Locale.ROOT)
                            + ", not an object or a list", payload, null));
        }
        try {
            records = mapper.map(dataset, payload, ctx);
        } catch (RuntimeException e) {
            return whole(summary, deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "mapping",
                    REASON_MAPPING, "payload has no records of " + dataset + ": " + e.getMessage(), payload, null));
        }
        if (records.isEmpty() && Payloads.carriesData(payload)) {
            // the records are not where this dataset keeps them: a payload of another shape, never a silent zero
            return whole(summary, deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "mapping",
                    REASON_PAYLOAD, "no " + dataset + " records where " + provider + " puts them, yet the payload "
                            + "carries data (" + Payloads.shape(payload) + "): not a " + dataset + " response",
                    payload, null));
        }
        Skips skips = new Skips(meters, provider, dataset, userId, summary);
        for (MappedRecord record : records) {
            if (summary != null) {
                summary.countRecord();
            }
            if (record.isFailed()) {
                items.add(deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "mapping",
                        REASON_MAPPING, record.error(), record.raw(), null));
                continue;
            }
            if (record.isSkipped()) {
                skips.add(record);
                if (record.deletion() != null) {
                    items.add(record.deletion()); // applied by storeAll once the payload's events are stored
                }
                continue;
            }
            // validated here too, so an invalid event is dead-lettered with the provider record it came from
            for (CanonicalEvent event : record.events()) {
                List<String> errors = schemas.validate(event);
                List<Invariants.Violation> broken = errors.isEmpty() ? Invariants.check(event) : List.of();
                if (!errors.isEmpty()) {
                    items.add(deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "validation",
                            REASON_SCHEMA,
                            event.type() + ": " + String.join("; ", errors), record.raw(), event.toJsonString()));
                } else if (!broken.isEmpty()) {
                    items.add(deadLetter(provider, dataset, userId, providerUserId, ctx.zone().getId(), "validation",
                            REASON_INVARIANT, event.type() + " breaks " + joined(broken), record.raw(),
                            event.toJsonString()));
                } else {
                    items.add(event);
                }
            }
        }
        skips.said();
        return items;
    }

    private static String joined(List<Invariants.Violation> broken) {
        return String.join("; ", broken.stream().map(Invariants.Violation::toString).toList());
    }

    private static List<Object> whole(IngestSummary summary, DeadLetter deadLetter) {
        if (summary != null) {
            summary.countRecord();
        }
        List<Object> items = new ArrayList<>();
        items.add(deadLetter);
        return items;
    }

    /** What came in, as a JSON string, cut at {@link #MAX_RAW_CHARS} (a 10 MB body of garbage is not kept whole). */
    private static JsonNode rawText(Exchange exchange) {
        String text;
        try {
            text = exchange.getMessage().getBody(String.class);
        } catch (RuntimeException e) {
            text = String.valueOf(exchange.getMessage().getBody());
        }
        text = text == null ? "" : text;
        return EventJson.MAPPER.getNodeFactory().textNode(text.length() > MAX_RAW_CHARS
                ? text.substring(0, MAX_RAW_CHARS) + "... (" + text.length() + " characters in all)" : text);
    }

    private static JsonNode body(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof JsonNode node) {
            return node;
        }
        if (body instanceof String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("empty provider payload");
            }
            return EventJson.read(text);
        }
        // a request's stream, bytes or a buffer: read once as bytes, which Jackson parses as they are. Through
        // String, Camel's converter built a reader and its buffers per request (about 35 KB of garbage each).
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(bytes); // the stream is read: the bytes stay, for a dead letter's raw text
        if (bytes == null || Payloads.isBlank(bytes)) {
            throw new IllegalArgumentException("empty provider payload");
        }
        return EventJson.read(bytes);
    }

    private static String required(Exchange exchange, String header) {
        String value = exchange.getMessage().getHeader(header, String.class);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("header " + header + " is required");
        }
        return value;
    }

    /** Throws {@link EventValidationException} when the event breaks its schema or an {@link Invariants invariant}. */
    public CanonicalEvent validate(CanonicalEvent event) {
        List<String> errors = schemas.validate(event);
        if (!errors.isEmpty()) {
            throw new EventValidationException(event, errors);
        }
        List<Invariants.Violation> broken = Invariants.check(event);
        if (!broken.isEmpty()) {
            throw new EventValidationException(event, broken.stream().map(Invariants.Violation::toString).toList(),
                    REASON_INVARIANT);
        }
        return event;
    }

    /**
     * Stores the event (the outbox); true when it is new, false when an event with its id is stored already (a
     * duplicate, counted). The events table's unique id is the one dedup store: one insert decides.
     */
    public boolean store(CanonicalEvent event, Exchange exchange) {
        IngestSummary summary = summaryOf(exchange);
        if (events.insert(event, began(exchange))) {
            counts.published(List.of(event), summary);
            return true;
        }
        counts.duplicates(List.of(event), summary);
        return false;
    }

    /**
     * Stores what {@link #map} made of a payload, events and dead letters, in one transaction, and returns the events
     * that are new, for the bus. Each event is counted as published or duplicate; one the store refuses is
     * dead-lettered with the store's reason. Nothing is acknowledged before the commit.
     */
    public List<CanonicalEvent> storeAll(List<Object> items, Exchange exchange) {
        List<CanonicalEvent> events = new ArrayList<>(items.size());
        List<DeadLetter> letters = new ArrayList<>();
        List<Deletion> deletions = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof CanonicalEvent e) {
                events.add(e);
            } else if (item instanceof DeadLetter d) {
                letters.add(d);
            } else if (item instanceof Deletion d) {
                deletions.add(d);
            }
        }
        BatchOutcome outcome = events.isEmpty() && letters.isEmpty()
                ? BatchOutcome.NONE : this.events.insertAll(events, letters, began(exchange));
        IngestSummary summary = summaryOf(exchange);
        counts.published(outcome.stored(), summary);
        counts.duplicates(outcome.duplicates(), summary);
        counts.withheld(outcome, summary);
        letters.stream().filter(d -> !outcome.withheldDeadLetters().contains(d)).forEach(d -> counted(d, summary));
        for (BatchOutcome.Refused r : outcome.refused()) {
            CanonicalEvent e = r.event();
            record(deadLetter(e.provider(), null, e.subject(), null, null, "store", REASON_STORE, r.reason(),
                    e.toJson(), e.toJsonString()), exchange);
        }
        if (deletions.isEmpty()) {
            return outcome.stored();
        }
        List<CanonicalEvent> stored = new ArrayList<>(outcome.stored());
        deletions.forEach(d -> stored.addAll(delete(d, exchange)));
        return stored;
    }

    /**
     * Replaces the events a provider's deletion names ({@link Deletion}: the user's events from that record) with
     * tombstones, in one transaction, and returns the tombstones that are new, for the bus. A deletion of something
     * never stored, or told twice, makes none.
     */
    public List<CanonicalEvent> delete(Deletion deletion, Exchange exchange) {
        String user = exchange.getIn().getHeader(HealthbridgeHeaders.USER_ID, String.class);
        String provider = exchange.getIn().getHeader(HealthbridgeHeaders.PROVIDER, String.class);
        List<StoredEvent> found = events.ofRecord(user, provider, deletion.recordId(),
                deletion.types().stream().map(DataType::eventType).toList());
        if (found.isEmpty()) {
            meters.counter("healthbridge.deletions.unmatched", "provider", provider).increment();
            return List.of();
        }
        List<CanonicalEvent> tombstones = Tombstones.of(found.stream().map(e -> EventJson.read(e.payload())).toList(),
                Tombstones.DELETED_AT_PROVIDER, deletion.signal(), clock.instant());
        for (CanonicalEvent t : tombstones) {
            validate(t);
        }
        List<CanonicalEvent> stored = events.replace(ids(found), tombstones, began(exchange));
        meters.counter("healthbridge.events.deleted", "provider", provider).increment(found.size());
        counts.published(stored, summaryOf(exchange));
        return stored;
    }

    /**
     * Events made here rather than mapped from a payload (reconciled results), checked as {@link #map} checks: each
     * valid event, or a dead letter in its place, for {@link #storeAll}.
     */
    public List<Object> checked(List<CanonicalEvent> made) {
        List<Object> items = new ArrayList<>(made.size());
        for (CanonicalEvent event : made) {
            try {
                items.add(validate(event));
            } catch (EventValidationException e) {
                items.add(deadLetter(event.provider(), null, event.subject(), null, null, "validation",
                        e.reasonCode(), String.join("; ", e.getErrors()), event.toJson(), event.toJsonString()));
            }
        }
        return items;
    }

    /**
     * Replaces stored events that no longer stand (a reconciled result gone) with tombstones saying why (header
     * {@link HealthbridgeHeaders#REASON}), in one transaction; returns the tombstones that are new, for the bus.
     */
    public List<CanonicalEvent> retract(List<StoredEvent> found, Exchange exchange) {
        String reason = required(exchange, HealthbridgeHeaders.REASON);
        List<CanonicalEvent> tombstones = Tombstones.of(found.stream().map(e -> EventJson.read(e.payload())).toList(),
                reason, null, clock.instant());
        tombstones.forEach(this::validate);
        List<CanonicalEvent> stored = events.replace(ids(found), tombstones, began(exchange));
        counts.published(stored, summaryOf(exchange));
        return stored;
    }

    /** When the work behind the exchange began (header {@link HealthbridgeHeaders#WORK_BEGAN}, else the exchange). */
    static long began(Exchange exchange) {
        Long said = exchange.getMessage().getHeader(HealthbridgeHeaders.WORK_BEGAN, Long.class);
        return said != null ? said : ErasureGate.startedAgo(exchange.getClock().elapsed());
    }

    private static List<String> ids(List<StoredEvent> found) {
        return found.stream().map(StoredEvent::id).toList();
    }

    public void duplicate(CanonicalEvent event, Exchange exchange) {
        counts.duplicates(List.of(event), summaryOf(exchange));
    }

    /** Dead-letters the event that failed validation in this exchange. */
    public void rejected(Exchange exchange) {
        EventValidationException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, EventValidationException.class);
        CanonicalEvent event = e.getEvent();
        JsonNode data = event.data();
        record(deadLetter(event.provider(), null, event.subject(), data.path("provenance").path("provider_user_id")
                .asText(null), null, "validation", e.reasonCode(), String.join("; ", e.getErrors()), event.toJson(),
                event.toJsonString()), exchange);
    }

    /** Stores a dead letter coming from the mapping step. */
    public void deadLetter(DeadLetter deadLetter, Exchange exchange) {
        record(deadLetter, exchange);
    }

    /** Through the store's batch write, so that the erasure gate sees it as it sees a payload's dead letters. */
    private void record(DeadLetter d, Exchange exchange) {
        BatchOutcome outcome = events.insertAll(List.of(), List.of(d), exchange == null ? ErasureGate.now()
                : began(exchange));
        if (outcome.withheldDeadLetters().isEmpty()) {
            counted(d, summaryOf(exchange));
        } else {
            counts.withheld(outcome, summaryOf(exchange));
        }
    }

    /** Counts a stored dead letter and says why it is one (never the health values it holds). */
    private void counted(DeadLetter d, IngestSummary summary) {
        meters.counter("healthbridge.dead.letters", "provider", d.provider(), "reason", d.reasonCode()).increment();
        if (summary != null) {
            summary.countDeadLettered();
        }
        LOG.warn("Dead letter {} ({} {} of user {}): {}", d.id(), d.provider(), d.dataset() == null ? d.stage()
                : d.dataset(), d.userId(), d.reason());
    }

    private DeadLetter deadLetter(String provider, String dataset, String userId, String providerUserId, String zone,
            String stage, String code, String reason, JsonNode raw, String event) {
        return new DeadLetter(UUID.randomUUID().toString(), provider, dataset, userId, providerUserId, zone, stage, code,
                reason, EventJson.write(raw), event, DeadLetter.OPEN, clock.instant(), null, null);
    }

    private static IngestSummary summaryOf(Exchange exchange) {
        return exchange == null ? null : exchange.getProperty(HealthbridgeHeaders.INGEST_SUMMARY, IngestSummary.class);
    }
}
