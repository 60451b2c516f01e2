package io.healthbridge.api;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.store.StoreException;
import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error path answers in the error format with the request id: server refusals and failures inside routes. */
class ErrorFormatTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        // API routes built like the runtime's own, failing inside
        hb.runtime().context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                ApiErrors.guard(this);
                rest("/api/v1/test-failures").get("/internal").to("direct:fail-internal")
                        .get("/store").to("direct:fail-store");
                from("direct:fail-internal").process(e -> {
                    throw new IllegalStateException("secret internals: password=hunter2");
                });
                from("direct:fail-store").process(e -> {
                    throw new StoreException("connection refused", new java.sql.SQLException("down"));
                });
            }
        });
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static JsonNode error(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = EventJson.read(r.body());
        assertThat(body.get("error").get("code").asText()).isEqualTo(code);
        assertThat(body.get("error").get("message").asText()).isNotBlank();
        assertThat(body.get("timestamp").asText()).isNotBlank();
        assertThat(body.get("request_id").asText()).isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
        return body;
    }

    @Test
    void unknownPathsWrongMethodsAndHugeBodies() throws Exception {
        error(hb.get("/api/v1/no-such-thing"), 404, "RES_001");
        error(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/status")).DELETE()), 404, "RES_001");
        byte[] huge = new byte[17 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'x');
        HttpResponse<String> tooLarge = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(hb.uri("/api/v1/keys")).header("Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(), HttpResponse.BodyHandlers.ofString());
        error(tooLarge, 413, "VAL_001");
        // nothing was stored from it, and the runtime still serves
        assertThat(hb.getJson("/api/v1/keys").get("keys").toString()).doesNotContain("xxxx");
        assertThat(hb.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void failuresInsideRoutesAreSys001Or002AndShowNoInternals() throws Exception {
        JsonNode internal = error(hb.get("/api/v1/test-failures/internal"), 500, "SYS_001");
        assertThat(internal.toString()).doesNotContain("hunter2", "IllegalStateException");
        error(hb.get("/api/v1/test-failures/store"), 503, "SYS_002");
    }

    @Test
    void theClientsRequestIdIsEchoed() throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/no-such-thing"))
                .header("X-Request-ID", "client-chosen-7"));
        assertThat(error(r, 404, "RES_001").get("request_id").asText()).isEqualTo("client-chosen-7");
    }
}
