package io.healthbridge.api;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Operator users over HTTP: login, roles, refresh, logout, login rate limit, and API keys still working beside them. */
class OperatorApiTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static final HttpClient RAW = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        for (String[] op : new String[][] { { "ada", "admin" }, { "vic", "viewer" }, { "lim", "viewer" } }) {
            HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/operators")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"username\":\"" + op[0]
                                                        + "\",\"password\":\"password-of-" + op[0] + "\",\"role\":\"" + op[1] + "\"}")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.body()).doesNotContain("password-of");
        }
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String token) throws Exception {
        return RAW.send(HttpRequest.newBuilder(hb.uri(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode login(String user) throws Exception {
        HttpResponse<String> r = post("/api/v1/auth/login",
                "{\"username\":\"" + user + "\",\"password\":\"password-of-" + user + "\"}", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        return EventJson.read(r.body());
    }

    @Test
    void anAdminLogsInAndUsesTheAccessToken() throws Exception {
        JsonNode t = login("ada");
        assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.get("expires_in").asLong()).isEqualTo(900);
        assertThat(t.get("operator").get("role").asText()).isEqualTo("admin");
        String access = t.get("access_token").asText();
        assertThat(get("/api/v1/events", access).statusCode()).isEqualTo(200);
        HttpResponse<String> key = post("/api/v1/keys", "{\"name\":\"made-by-ada\",\"scopes\":[\"read\"]}", access);
        assertThat(key.statusCode()).isEqualTo(201);
        // the audit log names the operator
        assertThat(get("/api/v1/audit?action=api-keys-create", access).body()).contains("ada (operator:ada)");
    }

    @Test
    void aViewerReadsButCannotChangeAnything() throws Exception {
        String access = login("vic").get("access_token").asText();
        assertThat(get("/api/v1/webhooks", access).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = post("/api/v1/keys", "{\"name\":\"x\",\"scopes\":[\"admin\"]}", access);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(EventJson.read(denied.body()).get("error").get("code").asText()).isEqualTo("AUTH_003");
        assertThat(post("/api/v1/operators", "{\"username\":\"evil\",\"password\":\"password-of-evil\",\"role\":\"admin\"}",
                access).statusCode()).isEqualTo(403);
    }

    @Test
    void wrongPasswordsAndMissingFieldsAreRefusedInTheErrorFormat() throws Exception {
        HttpResponse<String> wrong = post("/api/v1/auth/login", "{\"username\":\"ada\",\"password\":\"nope-nope-nope\"}", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(EventJson.read(wrong.body()).get("error").get("code").asText()).isEqualTo("AUTH_001");
        HttpResponse<String> unknown = post("/api/v1/auth/login", "{\"username\":\"zed\",\"password\":\"nope-nope-nope\"}", null);
        assertThat(EventJson.read(unknown.body()).get("error").get("message").asText())
                .isEqualTo(EventJson.read(wrong.body()).get("error").get("message").asText());
        HttpResponse<String> missing = post("/api/v1/auth/login", "{\"username\":\"ada\"}", null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(EventJson.read(missing.body()).get("error").get("code").asText()).isEqualTo("VAL_002");
        assertThat(post("/api/v1/auth/login", "not json", null).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/events", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln").statusCode()).isEqualTo(401);
    }

    @Test
    void refreshRotatesAndLogoutEndsTheSession() throws Exception {
        JsonNode first = login("ada");
        HttpResponse<String> refreshed = post("/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + first.get("refresh_token").asText() + "\"}", null);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode second = EventJson.read(refreshed.body());
        String access = second.get("access_token").asText();
        assertThat(get("/api/v1/status", access).statusCode()).isEqualTo(200);

        assertThat(post("/api/v1/auth/logout", "", access).statusCode()).isEqualTo(200);
        HttpResponse<String> after = get("/api/v1/status", access);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + second.get("refresh_token").asText() + "\"}",
                null).statusCode()).isEqualTo(401);
        // an API key cannot "log out"
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/auth/logout"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(400);
    }

    @Test
    void loginAttemptsAreRateLimitedPerUser() throws Exception {
        int limited = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 7; i++) {
            last = post("/api/v1/auth/login", "{\"username\":\"lim\",\"password\":\"guess-number-" + i + "\"}", null);
            if (last.statusCode() == 429) {
                limited++;
            } else {
                assertThat(last.statusCode()).isEqualTo(401);
            }
        }
        assertThat(limited).isEqualTo(2); // 5 per minute
        assertThat(EventJson.read(last.body()).get("error").get("code").asText()).isEqualTo("RATE_001");
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        // even the right password waits now
        assertThat(post("/api/v1/auth/login", "{\"username\":\"lim\",\"password\":\"password-of-lim\"}", null)
                .statusCode()).isEqualTo(429);
    }

    @Test
    void operatorsAreListedWithoutSecretsAndTheFirstStartWroteAnAdminPassword() throws Exception {
        HttpResponse<String> list = hb.get("/api/v1/operators");
        assertThat(list.body()).contains("\"ada\"", "\"vic\"").doesNotContain("argon2", "password");
        Path file = hb.data().resolve("initial-admin-password");
        String password = Files.readString(file).trim();
        HttpResponse<String> r = post("/api/v1/auth/login", "{\"username\":\"admin\",\"password\":\"" + password + "\"}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/operators")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"username\":\"ada\",\"password\":\"password-of-ada2\",\"role\":\"admin\"}"))).statusCode()).isEqualTo(409);
    }

    @Test
    void everyResponseCarriesARequestId() throws Exception {
        HttpResponse<String> health = RAW.send(HttpRequest.newBuilder(hb.uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.headers().firstValue("X-Request-ID")).isPresent();
        HttpResponse<String> metrics = RAW.send(HttpRequest.newBuilder(hb.uri("/metrics"))
                .header("X-Request-ID", "trace-me-42").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.headers().firstValue("X-Request-ID")).contains("trace-me-42");
        HttpResponse<String> docs = RAW.send(HttpRequest.newBuilder(hb.uri("/api/docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(docs.headers().firstValue("X-Request-ID")).isPresent();
        HttpResponse<String> missing = RAW.send(HttpRequest.newBuilder(hb.uri("/no/such/page")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.headers().firstValue("X-Request-ID")).isPresent();
        // the error body and the header agree
        HttpResponse<String> denied = RAW.send(HttpRequest.newBuilder(hb.uri("/api/v1/events")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(EventJson.read(denied.body()).get("request_id").asText())
                .isEqualTo(denied.headers().firstValue("X-Request-ID").orElseThrow());
    }
}
