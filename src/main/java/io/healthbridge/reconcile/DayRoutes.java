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
                .put("/{id}/priorities").id("api-priorities-put").to("direct:api-priorities-put");
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

    private static String id(Exchange e) throws Exception {
        String id = e.getIn().getHeader("id", String.class);
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            ApiError.invalid(e, "a user id is 1 to " + MAX_ID + " characters", Map.of("parameter", "id"));
            return null;
        }
        return id;
    }
}
