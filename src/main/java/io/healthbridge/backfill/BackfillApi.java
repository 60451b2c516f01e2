package io.healthbridge.backfill;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import org.apache.camel.Exchange;

/** {@code POST /api/v1/connections/{id}/backfill} and {@code GET /api/v1/backfills/{id}}. */
public class BackfillApi {

    private final BackfillStore store;
    private final BackfillRunner runner;
    private final ConnectionStore connections;

    public BackfillApi(BackfillStore store, BackfillRunner runner, ConnectionStore connections) {
        this.store = store;
        this.runner = runner;
        this.connections = connections;
    }

    public void start(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<Connection> c = connections.get(id);
        if (c.isEmpty()) {
            ApiError.notFound(exchange, "connection '" + id + "'");
            return;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = null;
        Instant to = Instant.now();
        List<String> datasets = new ArrayList<>();
        try {
            JsonNode body = EventJson.readStrict(exchange.getIn().getBody(String.class));
            from = time(body.get("from"), "from", errors);
            if (body.hasNonNull("to")) {
                to = time(body.get("to"), "to", errors);
            }
            if (body.has("datasets")) {
                if (!body.get("datasets").isArray()) {
                    errors.put("datasets", "must be a list");
                } else {
                    body.get("datasets").forEach(d -> datasets.add(d.asText()));
                }
            }
        } catch (RuntimeException e) {
            errors.put("body", "a JSON object {\"from\", \"to\", \"datasets\"} is required");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "must be after from");
        }
        if (from != null && to != null && from.isBefore(to.minus(Duration.ofDays(3660)))) {
            errors.put("from", "at most ten years back");
        }
        if (!c.get().isActive()) {
            errors.put("connection", "is " + c.get().status());
        }
        if (!errors.isEmpty()) {
            ApiError.invalid(exchange, "invalid backfill request", errors);
            return;
        }
        try {
            Json.respond(exchange, 202, json(runner.start(c.get(), datasets, from, to)));
        } catch (IllegalArgumentException e) {
            ApiError.invalid(exchange, e.getMessage(), Map.of());
        }
    }

    private static Instant time(JsonNode v, String field, Map<String, String> errors) {
        if (v == null || !v.isTextual()) {
            errors.put(field, "required: a date (2026-08-01) or an ISO-8601 time with offset");
            return null;
        }
        try {
            return v.asText().length() == 10 ? LocalDate.parse(v.asText()).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(v.asText()).toInstant();
        } catch (RuntimeException e) {
            errors.put(field, "not a date or an ISO-8601 time with offset: " + v.asText());
            return null;
        }
    }

    public void get(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<Backfill> b = store.get(id);
        if (b.isEmpty()) {
            ApiError.notFound(exchange, "backfill '" + id + "'");
            return;
        }
        Json.respond(exchange, 200, json(b.get()));
    }

    private Map<String, Object> json(Backfill b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("connection_id", b.connectionId());
        m.put("provider", b.provider());
        m.put("datasets", b.datasets());
        m.put("from", b.from().toString());
        m.put("to", b.to().toString());
        m.put("status", b.status());
        m.put("chunks_done", b.chunksDone());
        m.put("chunks_total", b.chunksTotal());
        m.put("events_published", b.eventsPublished());
        m.put("duplicates", b.duplicates());
        m.put("dead_lettered", b.deadLettered());
        m.put("errors", b.errors());
        m.put("last_error", b.lastError());
        m.put("eta_seconds", runner.eta(b).toSeconds());
        m.put("created_at", b.createdAt().toString());
        m.put("finished_at", b.finishedAt() == null ? null : b.finishedAt().toString());
        return m;
    }
}
