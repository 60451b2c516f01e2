package io.healthbridge.api;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys: missing or bad → 401, read keys cannot write → 403, revoked keys stop working; health stays open. */
class ApiAuthTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static final HttpClient RAW = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static HttpResponse<String> call(String method, String path, String header, String value, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        return RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String createKey(String scopes) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"t\",\"scopes\":" + scopes + "}")));
        assertThat(r.statusCode()).isEqualTo(201);
        return EventJson.read(r.body()).get("key").asText();
    }

    @Test
    void missingAndBadKeysAre401InTheErrorFormat() throws Exception {
        HttpResponse<String> none = call("GET", "/api/v1/events", null, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        JsonNode body = EventJson.read(none.body());
        assertThat(body.get("error").get("code").asText()).isEqualTo("AUTH_001");
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(call("GET", "/api/v1/webhooks", "Authorization", "Bearer nope", null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/webhooks", null, null, "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void theBootstrapKeyWorksAsBearerOrXApiKey() throws Exception {
        assertThat(call("GET", "/api/v1/routes", "Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY, null)
                .statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/routes", "X-API-Key", RunningHealthbridge.ADMIN_KEY, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void readKeysMayReadButNotWrite() throws Exception {
        String read = createKey("[\"read\"]");
        assertThat(read).startsWith("hbk_");
        assertThat(call("GET", "/api/v1/webhooks", "X-API-Key", read, null).statusCode()).isEqualTo(200);
        HttpResponse<String> write = call("POST", "/api/v1/webhooks", "X-API-Key", read,
                "{\"url\":\"https://example.org/h\",\"event_types\":[\"health.*\"]}");
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("AUTH_003");
    }

    @Test
    void revokedKeysStopWorkingAndKeysAreNeverListed() throws Exception {
        String admin = createKey("[\"admin\"]");
        assertThat(call("GET", "/api/v1/keys", "X-API-Key", admin, null).statusCode()).isEqualTo(200);
        String list = hb.get("/api/v1/keys").body();
        assertThat(list).doesNotContain(admin).doesNotContain(admin.substring(12));
        String id = null;
        for (JsonNode k : EventJson.read(list).get("keys")) {
            if (admin.startsWith(k.get("prefix").asText()) && k.get("revoked_at").isNull()) {
                id = k.get("id").asText();
            }
        }
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys/" + id)).DELETE()).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/keys", "X-API-Key", admin, null).statusCode()).isEqualTo(401);
    }

    @Test
    void badKeyRequestsAre400() throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"scopes\":[\"root\"]}")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("scopes");
    }

    @Test
    void healthMetricsAndConnectStayOpen() throws Exception {
        assertThat(call("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/connect/oura", null, null, null).statusCode()).isNotIn(401, 403);
    }

    @Test
    void withoutABootstrapKeyTheFirstStartWritesAnAdminKeyFile(@TempDir Path other) throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.api.admin-key", "");
        try (RunningHealthbridge fresh = RunningHealthbridge.start(other, p)) {
            Path file = fresh.data().resolve("initial-admin-api-key");
            assertThat(file).exists();
            String key = Files.readString(file).trim();
            HttpResponse<String> r = RAW.send(HttpRequest.newBuilder(fresh.uri("/api/v1/routes"))
                    .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(RAW.send(HttpRequest.newBuilder(fresh.uri("/api/v1/routes")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
    }
}
