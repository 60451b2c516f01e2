package io.healthbridge.sink;

import java.util.Map;

import io.healthbridge.http.ApiError;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.http.Json;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;

/**
 * {@code GET /api/v1/sinks}: every route-file sink, running or with a cursor kept (its position, lag, counts, last
 * error); {@code DELETE /api/v1/sinks/{id}}: forgets a removed sink's cursor, so it no longer holds retention back.
 */
public class SinkRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.guard(this);
        Sinks sinks = CamelContextHelper.mandatoryLookup(getContext(), "sinks", Sinks.class);
        rest("/api/v1/sinks").produces("application/json")
                .get().id("api-sinks-list").to("direct:api-sinks-list")
                .delete("/{id}").id("api-sinks-delete").to("direct:api-sinks-delete");
        from("direct:api-sinks-list").routeId("api-sinks-list-impl")
                .process(e -> Json.respond(e, 200, Map.of("sinks", sinks.list())));
        from("direct:api-sinks-delete").routeId("api-sinks-delete-impl").process(e -> {
            String id = e.getIn().getHeader("id", String.class);
            if (id == null || !id.matches(Sinks.ID_PATTERN)) {
                ApiError.invalid(e, "a sink id is 1 to 64 letters, digits, '.', '_' or '-'", Map.of("parameter", "id"));
            } else if (sinks.isRunning(id)) {
                ApiError.respond(e, 409, "RES_003", "sink '" + id + "' is running: remove its route file first", null);
            } else if (!sinks.delete(id)) {
                ApiError.notFound(e, "sink '" + id + "'");
            } else {
                e.getMessage().setBody(null);
                e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
            }
        });
    }
}
