package io.healthbridge.reconcile;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.http.Json;
import io.healthbridge.store.Sql;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;

/**
 * A person's reconciled day ({@code GET /api/v1/users/{id}/days/{date}?zone=}) and their source priorities
 * ({@code GET/PUT /api/v1/users/{id}/priorities}).
 */
public class DayRoutes extends RouteBuilder {

    static final int MAX_ID = 128;
    /** The most days one request queues for reconciliation: ten years. */
    static final int MAX_REQUEUE_DAYS = 3660;
    /** Outbox batches the reconciler reads in one round before it recomputes. */
    static final int SCAN_ROUNDS = 20;

    @Override
    public void configure() {
        ApiErrors.guard(this);
        Priorities priorities = CamelContextHelper.mandatoryLookup(getContext(), "priorities", Priorities.class);
        DayView days = CamelContextHelper.mandatoryLookup(getContext(), "dayView", DayView.class);
        Reconciler reconciler = getContext().getRegistry().lookupByNameAndType("reconciler", Reconciler.class);
        Clock clock = Clock.systemUTC();
        rest("/api/v1/users").produces("application/json")
                .get("/{id}/days/{date}").id("api-user-day").to("direct:api-user-day")
                .get("/{id}/priorities").id("api-priorities-get").to("direct:api-priorities-get")
                .put("/{id}/priorities").id("api-priorities-put").to("direct:api-priorities-put")
                .post("/{id}/days/reconcile").id("api-days-reconcile").to("direct:api-days-reconcile");
        from("direct:api-days-reconcile").routeId("api-days-reconcile-impl").process(e -> requeue(e, reconciler, clock));
        if (reconciler != null) {
            // the reconciler: the days touched since its last round recomputed, their changed results published
            int perRound = Integer.parseInt(getContext().resolvePropertyPlaceholders(
                    "{{healthbridge.reconcile.days-per-round}}"));
            from("timer:reconcile?period={{healthbridge.reconcile.interval-ms}}&delay={{healthbridge.reconcile.interval-ms}}")
                    .routeId("reconcile")
                    .process(e -> reconciler.run(SCAN_ROUNDS, perRound));
        }
        from("direct:api-user-day").routeId("api-user-day-impl").process(e -> day(e, days));
        from("direct:api-priorities-get").routeId("api-priorities-get-impl").process(e -> {
            String id = id(e);
            if (id != null) {
                Json.respond(e, 200, Map.of("user_id", id, "priorities", priorities.of(id)));
            }
        });
        from("direct:api-priorities-put").routeId("api-priorities-put-impl").process(e -> {
            String id = id(e);
            if (id == null) {
                return;
            }
            JsonNode body = Json.objectBody(e);
            String problem = Priorities.problem(body);
            if (problem != null) {
                ApiError.invalid(e, problem, null);
                return;
            }
            // the days reconciled under the old order are recomputed under the new one
            Set<String> types = new HashSet<>();
            body.fieldNames().forEachRemaining(types::add);
            List<Sql.Statement> requeue = reconciler == null ? List.of() : reconciler.daysOf(id, types).stream()
                    .map(t -> ReconcileQueue.statement(t, clock)).toList();
            priorities.set(id, body, requeue);
            Json.respond(e, 200, Map.of("user_id", id, "priorities", priorities.of(id)));
        });
    }

    private static void day(Exchange e, DayView days) throws Exception {
        String id = id(e);
        if (id == null) {
            return;
        }
        LocalDate date;
        ZoneId zone;
        try {
            date = LocalDate.parse(e.getIn().getHeader("date", String.class));
            String z = e.getIn().getHeader("zone", String.class);
            zone = z == null || z.isBlank() ? ZoneOffset.UTC : ZoneId.of(z.trim());
        } catch (DateTimeException | NullPointerException ex) {
            ApiError.invalid(e, "date is YYYY-MM-DD and zone an IANA zone or offset (Europe/Berlin, +01:00)",
                    Map.of("parameter", "date"));
            return;
        }
        Json.respond(e, 200, days.day(id, date, zone));
    }

    /**
     * Queues a person's days for reconciliation ({@code {"from": "2025-01-01", "to": "2025-01-31", "zone": "+01:00"}},
     * both ends included): history stored before the reconciler ran, or after a rule changed.
     */
    private static void requeue(Exchange e, Reconciler reconciler, Clock clock) throws Exception {
        String id = id(e);
        if (id == null) {
            return;
        }
        if (reconciler == null) {
            ApiError.respond(e, 409, "RES_003", "reconciled events are off: healthbridge.reconcile.enabled is false",
                    null);
            return;
        }
        JsonNode body = Json.objectBody(e);
        LocalDate from;
        LocalDate to;
        ZoneId zone;
        try {
            from = LocalDate.parse(body.path("from").asText());
            to = LocalDate.parse(body.path("to").asText());
            zone = ZoneId.of(body.path("zone").asText("Z").isBlank() ? "Z" : body.path("zone").asText("Z"));
        } catch (DateTimeException ex) {
            ApiError.invalid(e, "from and to are YYYY-MM-DD, zone an IANA zone or offset (Europe/Berlin, +01:00)",
                    Map.of("parameter", "body"));
            return;
        }
        long days = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
        if (days < 1 || days > MAX_REQUEUE_DAYS) {
            ApiError.invalid(e, "from must not be after to, and at most " + MAX_REQUEUE_DAYS + " days apart",
                    Map.of("parameter", "to"));
            return;
        }
        List<ReconcileQueue.Touch> touches = new java.util.ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            touches.add(new ReconcileQueue.Touch(id, d, zone.getId()));
        }
        reconciler.queue(touches);
        Json.respond(e, 202, Map.of("user_id", id, "days_queued", touches.size()));
    }

    private static String id(Exchange e) throws Exception {
        String id = e.getIn().getHeader("id", String.class);
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            ApiError.invalid(e, "a user id is 1 to " + MAX_ID + " characters", Map.of("parameter", "id"));
            return null;
        }
        return id;
    }
}
