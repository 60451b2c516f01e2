package io.healthbridge.api;

import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.auth.ConnectLinks;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.http.Json;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.security.ApiKeys;
import io.healthbridge.security.DeviceTokens;
import io.healthbridge.security.LoginLimiter;
import io.healthbridge.security.OperatorSessions;
import io.healthbridge.security.Operators;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.store.DeadLetterStore;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.UserData;
import io.healthbridge.users.Erasure;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;

/** Built-in endpoints every instance serves: health, Prometheus metrics and the route registry. */
public class ManagementRoutes extends RouteBuilder {

    static final String JSON = "application/json";

    @Override
    public void configure() {
        ApiErrors.guard(this);
        HealthReport health = new HealthReport();
        from("platform-http:/health?httpMethodRestrict=GET&produces=application/json").routeId("health")
                .process(exchange -> health.report(exchange, HealthReport.Kind.ALL));
        from("platform-http:/health/live?httpMethodRestrict=GET&produces=application/json").routeId("health-live")
                .process(exchange -> health.report(exchange, HealthReport.Kind.LIVENESS));
        from("platform-http:/health/ready?httpMethodRestrict=GET&produces=application/json").routeId("health-ready")
                .process(exchange -> health.report(exchange, HealthReport.Kind.READINESS));
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("metrics")
                .process(new PrometheusScrape());

        EventApi events = new EventApi(bean("eventStore", EventStore.class), bean("deadLetterStore", DeadLetterStore.class),
                bean("eventPipeline", EventPipeline.class));
        rest("/api/v1").produces(JSON)
                .get("/routes").id("api-routes-list").to("direct:api-routes-list")
                .get("/activity").id("api-activity").to("direct:api-activity")
                .get("/camel/consoles").id("api-camel-consoles").to("direct:api-camel-consoles")
                .get("/camel/consoles/{id}").id("api-camel-console").to("direct:api-camel-console")
                .get("/schemas").id("api-schemas-list").to("direct:api-schemas-list")
                .get("/schemas/{type}").id("api-schemas-get").to("direct:api-schemas-get")
                .get("/schemas/ingest/health-connect").id("api-schemas-ingest-health-connect")
                    .to("direct:api-schemas-ingest-health-connect")
                .get("/events").id("api-events-list").to("direct:api-events-list")
                .get("/events/{id}").id("api-events-get").to("direct:api-events-get")
                .get("/events/{id}/streams").id("api-events-streams").to("direct:api-events-streams")
                .get("/dead-letters").id("api-dead-letters-list").to("direct:api-dead-letters-list")
                .get("/dead-letters/{id}").id("api-dead-letters-get").to("direct:api-dead-letters-get")
                .post("/dead-letters/{id}/replay").id("api-dead-letters-replay").to("direct:api-dead-letters-replay");
        ConnectionApi connections = new ConnectionApi(bean("providerRegistry", ProviderRegistry.class),
                bean("connectLinks", ConnectLinks.class), bean("connectFlow", ConnectFlow.class),
                bean("connectionStore", ConnectionStore.class));
        rest("/api/v1").produces(JSON)
                .get("/connections").id("api-connections-list").to("direct:api-connections-list")
                .get("/connections/{id}").id("api-connections-get").to("direct:api-connections-get")
                .delete("/connections/{id}").id("api-connections-delete").to("direct:api-connections-delete")
                .post("/connect-links").id("api-connect-links-create").to("direct:api-connect-links-create");
        UserApi users = new UserApi(bean("userData", UserData.class), bean("connectionStore", ConnectionStore.class),
                bean("eventStore", EventStore.class), bean("erasure", Erasure.class),
                bean("deviceTokens", DeviceTokens.class));
        rest("/api/v1/users").produces(JSON)
                .get().id("api-users-list").to("direct:api-users-list")
                .get("/{id}").id("api-users-get").to("direct:api-users-get")
                .delete("/{id}").id("api-users-erase").to("direct:api-users-erase")
                .get("/{id}/export").id("api-users-export").produces("application/x-ndjson").to("direct:api-users-export")
                .post("/{id}/device-tokens").id("api-device-tokens-create").to("direct:api-device-tokens-create")
                .get("/{id}/device-tokens").id("api-device-tokens-list").to("direct:api-device-tokens-list")
                .delete("/{id}/device-tokens/{tokenId}").id("api-device-tokens-revoke")
                    .to("direct:api-device-tokens-revoke");
        from("direct:api-device-tokens-create").routeId("api-device-tokens-create-impl")
                .process(users::createDeviceToken);
        from("direct:api-device-tokens-list").routeId("api-device-tokens-list-impl").process(users::listDeviceTokens);
        from("direct:api-device-tokens-revoke").routeId("api-device-tokens-revoke-impl")
                .process(users::revokeDeviceToken);
        from("direct:api-users-list").routeId("api-users-list-impl").process(users::list);
        from("direct:api-users-get").routeId("api-users-get-impl").process(users::get);
        from("direct:api-users-erase").routeId("api-users-erase-impl").process(users::erase);
        // the export is a stream read as the client reads it: never cached whole
        from("direct:api-users-export").routeId("api-users-export-impl").streamCache("false").process(users::export);
        rest("/connect")
                .get("/{provider}").id("connect-start").to("direct:connect-start")
                .get("/{provider}/callback").id("connect-callback").to("direct:connect-callback");
        from("direct:api-connections-list").routeId("api-connections-list-impl").process(connections::list);
        from("direct:api-connections-get").routeId("api-connections-get-impl").process(connections::get);
        from("direct:api-connections-delete").routeId("api-connections-delete-impl").process(connections::delete);
        from("direct:connect-start").routeId("connect-start-impl").process(connections::start);
        from("direct:api-connect-links-create").routeId("api-connect-links-create-impl").process(connections::link);
        from("direct:connect-callback").routeId("connect-callback-impl").process(connections::callback);
        KeysApi keys = new KeysApi(bean("apiKeys", ApiKeys.class));
        rest("/api/v1/keys").produces(JSON)
                .post().id("api-keys-create").to("direct:api-keys-create")
                .get().id("api-keys-list").to("direct:api-keys-list")
                .delete("/{id}").id("api-keys-revoke").to("direct:api-keys-revoke");
        from("direct:api-keys-create").routeId("api-keys-create-impl").process(keys::create);
        from("direct:api-keys-list").routeId("api-keys-list-impl").process(keys::list);
        from("direct:api-keys-revoke").routeId("api-keys-revoke-impl").process(keys::revoke);
        OperatorApi operators = new OperatorApi(bean("loginLimiter", LoginLimiter.class), bean("operators", Operators.class),
                bean("operatorSessions", OperatorSessions.class));
        rest("/api/v1/auth").produces(JSON)
                .post("/login").id("api-auth-login").to("direct:api-auth-login")
                .post("/refresh").id("api-auth-refresh").to("direct:api-auth-refresh")
                .post("/logout").id("api-auth-logout").to("direct:api-auth-logout");
        rest("/api/v1/operators").produces(JSON)
                .post().id("api-operators-create").to("direct:api-operators-create")
                .get().id("api-operators-list").to("direct:api-operators-list")
                .put("/{username}").id("api-operators-update").to("direct:api-operators-update")
                .delete("/{username}").id("api-operators-delete").to("direct:api-operators-delete");
        from("direct:api-auth-login").routeId("api-auth-login-impl").process(operators::login);
        from("direct:api-auth-refresh").routeId("api-auth-refresh-impl").process(operators::refresh);
        from("direct:api-auth-logout").routeId("api-auth-logout-impl").process(operators::logout);
        from("direct:api-operators-create").routeId("api-operators-create-impl").process(operators::create);
        from("direct:api-operators-list").routeId("api-operators-list-impl").process(operators::list);
        from("direct:api-operators-update").routeId("api-operators-update-impl").process(operators::update);
        from("direct:api-operators-delete").routeId("api-operators-delete-impl").process(operators::delete);
        from("direct:api-routes-list").routeId("api-routes-list-impl").process(new RoutesReport());
        CamelConsoles consoles = new CamelConsoles();
        from("direct:api-camel-consoles").routeId("api-camel-consoles-impl").process(consoles::list);
        from("direct:api-camel-console").routeId("api-camel-console-impl").process(consoles::get);
        ActivityHistory activity = bean("activityHistory", ActivityHistory.class);
        from("direct:api-activity").routeId("api-activity-impl")
                .process(e -> Json.respond(e, 200, activity.json()));
        // the sinks' lag, into the minute it was seen in; the hour's events stored before this start, once
        from("timer:activity-sample?period=5000&delay=5000").routeId("activity-sample").process(e -> activity.sample());
        from("timer:activity-seed?repeatCount=1&delay=500").routeId("activity-seed").process(e -> activity.seed());
        from("direct:api-schemas-list").routeId("api-schemas-list-impl").process(events::listSchemas);
        from("direct:api-schemas-get").routeId("api-schemas-get-impl").process(events::getSchema);
        // the phone apps' push format, for app authors to build against
        String ingestSchema = resource("schemas/ingest/health-connect.json");
        from("direct:api-schemas-ingest-health-connect").routeId("api-schemas-ingest-health-connect-impl")
                .process(e -> Json.respond(e, 200, EventJson.read(ingestSchema)));
        from("direct:api-events-list").routeId("api-events-list-impl").process(events::listEvents);
        from("direct:api-events-get").routeId("api-events-get-impl").process(events::getEvent);
        from("direct:api-events-streams").routeId("api-events-streams-impl").process(events::getStreams);
        from("direct:api-dead-letters-list").routeId("api-dead-letters-list-impl").process(events::listDeadLetters);
        from("direct:api-dead-letters-get").routeId("api-dead-letters-get-impl").process(events::getDeadLetter);
        from("direct:api-dead-letters-replay").routeId("api-dead-letters-replay-impl").process(events::replayDeadLetter);
    }

    /** A bean of the wiring, looked up once when the routes are built (NoSuchBeanException when it is missing). */
    private <T> T bean(String name, Class<T> type) {
        return CamelContextHelper.mandatoryLookup(getContext(), name, type);
    }

    private static String resource(String path) {
        try (var in = ManagementRoutes.class.getClassLoader().getResourceAsStream(path)) {
            return new String(java.util.Objects.requireNonNull(in, path).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
