package io.healthbridge.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.FhirRenderer;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.event.WorkoutStreams;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.ingest.DeadLetterReplay;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.store.DeadLetter;
import io.healthbridge.store.DeadLetterStore;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Handlers of {@code /api/v1/schemas}, {@code /api/v1/events} and {@code /api/v1/dead-letters}. */
public class EventApi {

    static final int MAX_LIMIT = 500;
    /** The most events one time window answers (a day of minute samples from several sources). */
    static final int WINDOW_LIMIT = 10_000;

    private final EventStore eventStore;
    private final DeadLetterStore deadLetterStore;
    private final EventPipeline eventPipeline;
    private ProducerTemplate template;

    public EventApi(EventStore eventStore, DeadLetterStore deadLetterStore, EventPipeline eventPipeline) {
        this.eventStore = eventStore;
        this.deadLetterStore = deadLetterStore;
        this.eventPipeline = eventPipeline;
    }

    public void listSchemas(Exchange exchange) throws Exception {
        List<Map<String, Object>> list = new ArrayList<>();
        for (DataType t : DataType.values()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", t.eventType());
            s.put("name", t.schemaName());
            s.put("unit", t.unit());
            s.put("loinc", t.loinc() == null ? null : t.loinc().code());
            s.put("$id", CanonicalEvent.SCHEMA_BASE + t.schemaName() + ".json");
            s.put("href", "/api/v1/schemas/" + t.schemaName());
            list.add(s);
        }
        Json.respond(exchange, 200, Map.of("schemas", list, "common", "/api/v1/schemas/common"));
    }

    public void getSchema(Exchange exchange) throws Exception {
        String name = exchange.getIn().getHeader("type", String.class);
        String file = "common".equals(name) ? "common"
                : DataType.fromId(name).or(() -> DataType.fromEventType(name)).map(DataType::schemaName).orElse(null);
        String text = file == null ? null : SchemaRegistry.schemaText(file);
        if (text == null) {
            ApiError.notFound(exchange, "schema '" + name + "'");
            return;
        }
        Json.respond(exchange, 200, EventJson.read(text));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/schema+json");
    }

    /**
     * Events in the order they were stored from {@code after_seq}; or with {@code order=desc} the newest
     * {@code limit}, newest first (what the dashboard shows on opening).
     */
    public void listEvents(Exchange exchange) throws Exception {
        if (param(exchange, "from") != null || param(exchange, "to") != null) {
            // a day of per-minute samples of a few sources: a window reads more than a page
            Integer windowLimit = intParam(exchange, "limit", 2000, 1, WINDOW_LIMIT);
            if (windowLimit != null) {
                inWindow(exchange, windowLimit);
            }
            return;
        }
        Integer limit = intParam(exchange, "limit", 100, 1, MAX_LIMIT);
        Integer after = intParam(exchange, "after_seq", 0, 0, Integer.MAX_VALUE);
        String order = exchange.getIn().getHeader("order", "asc", String.class);
        if (limit == null || after == null) {
            return;
        }
        if (!order.equals("asc") && !order.equals("desc")) {
            ApiError.invalid(exchange, "order must be asc or desc", Map.of("parameter", "order"));
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        String type = param(exchange, "type");
        String user = param(exchange, "user");
        String provider = param(exchange, "provider");
        for (StoredEvent e : order.equals("desc") ? eventStore.latest(type, user, provider, limit)
                : eventStore.after(after, type, user, provider, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", e.seq());
            m.put("event", EventJson.read(e.payload()));
            out.add(m);
        }
        // the newest seq read: where a reader of what comes next goes on
        Json.respond(exchange, 200, Map.of("events", out, "next_after_seq", out.isEmpty() ? after
                : out.get(order.equals("desc") ? 0 : out.size() - 1).get("seq")));
    }

    /**
     * {@code ?user=&type=&from=&to=}: one person's events of one type whose time is in [from, to), at most 7 days,
     * in time order (the dashboard's timeline of a person); {@code truncated} when there were more than {@code limit}.
     */
    private void inWindow(Exchange exchange, int limit) throws Exception {
        String user = param(exchange, "user");
        String type = param(exchange, "type");
        Instant from;
        Instant to;
        try {
            from = OffsetDateTime.parse(String.valueOf(param(exchange, "from"))).toInstant();
            to = OffsetDateTime.parse(String.valueOf(param(exchange, "to"))).toInstant();
        } catch (DateTimeParseException e) {
            ApiError.invalid(exchange, "from and to are times with an offset (2026-11-20T00:00:00+01:00)",
                    Map.of("parameter", "from/to"));
            return;
        }
        if (user == null || type == null || !to.isAfter(from) || Duration.between(from, to).toDays() >= 7) {
            ApiError.invalid(exchange, "a time window needs user and type, and to after from by at most 7 days",
                    Map.of("parameter", "from/to"));
            return;
        }
        List<StoredEvent> found = eventStore.inWindow(user, type, from, to);
        List<Map<String, Object>> out = new ArrayList<>();
        for (StoredEvent e : found.subList(0, Math.min(limit, found.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", e.seq());
            m.put("event", EventJson.read(e.payload()));
            out.add(m);
        }
        Json.respond(exchange, 200, Map.of("events", out, "truncated", found.size() > limit));
    }

    /** The stored event the path names, as JSON; null after answering 404 when there is none. */
    private JsonNode event(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<StoredEvent> found = eventStore.get(id);
        if (found.isEmpty()) {
            ApiError.notFound(exchange, "event '" + id + "'");
            return null;
        }
        return EventJson.read(found.get().payload());
    }

    public void getEvent(Exchange exchange) throws Exception {
        JsonNode json = event(exchange);
        if (json == null) {
            return;
        }
        String accept = exchange.getIn().getHeader("Accept", "", String.class);
        if ("fhir".equals(param(exchange, "format")) || accept.contains("application/fhir+json")) {
            String fhir = FhirRenderer.toJson(CanonicalEvent.fromJson(json));
            Json.respond(exchange, 200, EventJson.read(fhir));
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
            return;
        }
        Json.respond(exchange, 200, json);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/cloudevents+json");
    }

    /**
     * A workout's samples and route ({@link WorkoutStreams}): those kept beside the event when they were too long to
     * ride in it, or those in the event itself; 404 for an unknown event or one without streams.
     */
    public void getStreams(Exchange exchange) throws Exception {
        JsonNode event = event(exchange);
        if (event == null) {
            return;
        }
        String id = event.path("id").asText();
        JsonNode streams = event.path("data").path("streams");
        if (WorkoutStreams.isLink(streams)) {
            // a reconciled workout links to the streams of the source event it was made from
            Optional<String> kept = eventStore.streams(WorkoutStreams.eventOf(streams.get("href").asText()));
            if (kept.isEmpty()) {
                ApiError.notFound(exchange, "streams of event '" + id + "'");
                return;
            }
            Json.respond(exchange, 200, EventJson.read(kept.get()));
            return;
        }
        if (!streams.isObject()) {
            ApiError.notFound(exchange, "streams of event '" + id + "' (it has none)");
            return;
        }
        Json.respond(exchange, 200, streams);
    }

    public void listDeadLetters(Exchange exchange) throws Exception {
        Integer limit = intParam(exchange, "limit", 50, 1, MAX_LIMIT);
        Integer offset = intParam(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        if (limit == null || offset == null) {
            return;
        }
        String provider = param(exchange, "provider");
        String status = param(exchange, "status");
        List<Map<String, Object>> out = deadLetterStore.list(provider, status, limit, offset).stream()
                .map(EventApi::listed).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dead_letters", out);
        body.put("total", deadLetterStore.count(provider, status));
        body.put("limit", limit);
        body.put("offset", offset);
        Json.respond(exchange, 200, body);
    }

    public void getDeadLetter(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<DeadLetter> d = deadLetterStore.get(id);
        if (d.isEmpty()) {
            ApiError.notFound(exchange, "dead letter '" + id + "'");
            return;
        }
        Json.respond(exchange, 200, json(d.get()));
    }

    public void replayDeadLetter(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<DeadLetter> d = deadLetterStore.get(id);
        if (d.isEmpty()) {
            ApiError.notFound(exchange, "dead letter '" + id + "'");
            return;
        }
        DeadLetterReplay replay = new DeadLetterReplay(eventPipeline, deadLetterStore, template(exchange.getContext()),
                Clock.systemUTC());
        DeadLetterReplay.Result result = replay.replay(d.get());
        if (!result.published()) {
            ApiError.respond(exchange, 422, "VAL_001", "dead letter " + id + " was not replayed: " + result.reason(),
                    Map.of("id", id));
            return;
        }
        Json.respond(exchange, 200, Map.of("id", id, "status", DeadLetter.REPLAYED, "event_ids", result.eventIds()));
    }

    /** One producer template for every replay, made on the first: a template holds its producers until stopped. */
    private synchronized ProducerTemplate template(CamelContext context) {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    /** A dead letter in a list: an excerpt of its raw payload and event, with their sizes; the whole by its id. */
    static Map<String, Object> listed(DeadLetterStore.Listed l) {
        DeadLetter d = l.letter();
        Map<String, Object> m = json(d);
        m.remove("raw");
        m.remove("event");
        m.put("raw_excerpt", d.raw());
        m.put("raw_size", l.rawSize());
        m.put("raw_truncated", l.rawSize() > DeadLetterStore.EXCERPT_CHARS);
        if (d.event() != null) {
            m.put("event_excerpt", d.event());
            m.put("event_size", l.eventSize());
        }
        return m;
    }

    static Map<String, Object> json(DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("provider", d.provider());
        m.put("dataset", d.dataset());
        m.put("user_id", d.userId());
        m.put("stage", d.stage());
        m.put("reason_code", d.reasonCode());
        m.put("reason", d.reason());
        m.put("status", d.status());
        m.put("created_at", d.createdAt().toString());
        m.put("replayed_at", d.replayedAt() == null ? null : d.replayedAt().toString());
        m.put("replay_result", d.replayResult());
        m.put("raw", safeJson(d.raw()));
        if (d.event() != null) {
            m.put("event", safeJson(d.event()));
        }
        return m;
    }

    private static Object safeJson(String text) {
        try {
            return EventJson.read(text);
        } catch (RuntimeException e) {
            return text;
        }
    }

    static String param(Exchange exchange, String name) {
        String v = exchange.getIn().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v;
    }

    /** An integer query parameter within bounds; answers 400 and returns null when it is not one. */
    static Integer intParam(Exchange exchange, String name, int defaultValue, int min, int max) throws Exception {
        String v = param(exchange, name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            ApiError.invalid(exchange, "query parameter '" + name + "' must be a whole number from " + min + " to "
                                       + max, Map.of("parameter", name, "value", v));
            return null;
        }
    }
}
