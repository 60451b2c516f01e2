package io.healthbridge.security;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a hostile HTTP client tried against the running runtime, each refused at its root. */
class HostileHttpClientTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static final HttpClient RAW = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // the simulator on: its token file lives under data/ too
        hb = RunningHealthbridge.start(work, io.healthbridge.support.SimulatedProviders.settings("hostile-demo"));
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static HttpResponse<String> raw(String method, String path, String credential, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri(path)).timeout(Duration.ofSeconds(10)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        return RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whatARequestCarriesNeverComesBackAsAResponseHeader() throws Exception {
        hb.writeRoute("echo-probe.camel.yaml", """
                - route:
                    id: echo-probe
                    routeConfigurationId: healthbridge-public
                    from:
                      uri: platform-http:/echo-probe
                      steps:
                        - setHeader:
                            name: X-Route
                            constant: set-on-purpose
                        - setBody:
                            constant: ok
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(hb.bodyOrNull("/echo-probe")));
        for (String path : new String[] {"/", "/api/docs", "/api/openapi.json", "/providers/withings/webhook",
            "/echo-probe", "/health"}) {
            HttpResponse<String> r = raw("GET", path + "?Refresh=0%3Burl%3Dhttp%3A%2F%2Fevil.example%2F"
                    + "&Set-Cookie=session%3Dattacker&X-Injected=1&Location=http%3A%2F%2Fevil.example", null, null);
            assertThat(r.headers().firstValue("Refresh")).as(path).isEmpty();
            assertThat(r.headers().firstValue("Set-Cookie")).as(path).isEmpty();
            assertThat(r.headers().firstValue("X-Injected")).as(path).isEmpty();
            assertThat(r.headers().firstValue("Location")).as(path).isEmpty();
        }
        // a header a route sets on purpose still goes out, and a parameter name that is no header name is harmless
        assertThat(raw("GET", "/echo-probe", null, null).headers().firstValue("X-Route")).contains("set-on-purpose");
        assertThat(raw("GET", "/echo-probe?a%2Fb=c&x%20y=z", null, null).statusCode()).isEqualTo(200);
        assertThat(raw("GET", "/?a%2Fb=c", null, null).statusCode()).isLessThan(500);
    }

    @Test
    void invented_provider_names_never_become_metric_tags() throws Exception {
        for (int i = 0; i < 40; i++) {
            assertThat(raw("POST", "/providers/evil" + i + "%0aERROR/webhook", null, "{}").statusCode()).isEqualTo(404);
        }
        String metrics = raw("GET", "/metrics", null, null).body();
        assertThat(metrics).doesNotContain("evil").contains("healthbridge_push_refused_total{provider=\"unknown\"");
    }

    @Test
    void operatorsAreAnAdminsToSeeAndEveryoneMayLogOut() throws Exception {
        assertThat(raw("POST", "/api/v1/operators", RunningHealthbridge.ADMIN_KEY,
                "{\"username\":\"vera\",\"password\":\"a-long-password-7\",\"role\":\"viewer\"}").statusCode()).isEqualTo(201);
        String token = EventJson.read(RAW.send(HttpRequest.newBuilder(hb.uri("/api/v1/auth/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"vera\",\"password\":\"a-long-password-7\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asText();
        assertThat(raw("GET", "/api/v1/events", token, null).statusCode()).isEqualTo(200);
        assertThat(raw("GET", "/api/v1/operators", token, null).statusCode()).isEqualTo(403);
        String readKey = EventJson.read(raw("POST", "/api/v1/keys", RunningHealthbridge.ADMIN_KEY,
                "{\"name\":\"reader\",\"scopes\":[\"read\"]}").body()).get("key").asText();
        assertThat(raw("GET", "/api/v1/operators", readKey, null).statusCode()).isEqualTo(403);
        assertThat(raw("GET", "/api/v1/operators", RunningHealthbridge.ADMIN_KEY, null).statusCode()).isEqualTo(200);

        assertThat(raw("POST", "/api/v1/auth/logout", token, "{}").statusCode()).isEqualTo(200);
        assertThat(raw("GET", "/api/v1/events", token, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aKeyGivenTwiceInARequestIsRefusedNotSettledByTheLastOne() throws Exception {
        HttpResponse<String> r = raw("POST", "/api/v1/keys", RunningHealthbridge.ADMIN_KEY,
                "{\"name\":\"sneaky\",\"scopes\":[\"read\"],\"scopes\":[\"admin\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(raw("GET", "/api/v1/keys", RunningHealthbridge.ADMIN_KEY, null).body()).doesNotContain("sneaky");
        assertThat(raw("POST", "/api/v1/webhooks", RunningHealthbridge.ADMIN_KEY,
                "{\"url\":\"https://example.org/a\",\"url\":\"http://127.0.0.1/\",\"event_types\":[\"health.*\"]}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void aListOfDeadLettersCarriesExcerptsAndOneDeadLetterTheWhole() throws Exception {
        String garbage = "{\"data\":[" + "x".repeat(300_000);
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", garbage, Map.of(
                HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "heartrate",
                HealthbridgeHeaders.USER_ID, "dl-user"));
        HttpResponse<String> list = raw("GET", "/api/v1/dead-letters?provider=oura&limit=500", RunningHealthbridge.ADMIN_KEY, null);
        assertThat(list.body().length()).isLessThan(100_000);
        JsonNode letter = EventJson.read(list.body()).get("dead_letters").get(0);
        assertThat(letter.get("raw_excerpt").asText().length()).isLessThanOrEqualTo(1024);
        assertThat(letter.get("raw_size").asLong()).isGreaterThan(300_000);
        assertThat(letter.get("raw_truncated").asBoolean()).isTrue();
        JsonNode whole = EventJson.read(raw("GET", "/api/v1/dead-letters/" + letter.get("id").asText(),
                RunningHealthbridge.ADMIN_KEY, null).body());
        assertThat(whole.get("raw").asText().length()).isGreaterThan(300_000);
    }

    @Test
    void theDataFolderIsTheOwnersAlone() throws Exception {
        // the store, the first-start credentials, and the simulator's tokens written once the demo user connected
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(hb.data().resolve("simulator-tokens.properties")));
        Set<PosixFilePermission> dir = Files.getPosixFilePermissions(hb.data());
        assertThat(dir).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        try (var files = Files.list(hb.data())) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).doesNotContain(
                            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_READ);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void aConnectLinkStartsOnlyWhenAnOperatorSignedIt() throws Exception {
        assertThat(raw("GET", "/connect/oura?user=victim", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> made = raw("POST", "/api/v1/connect-links", RunningHealthbridge.ADMIN_KEY,
                "{\"user\":\"victim\",\"provider\":\"oura\",\"ttl_seconds\":600}");
        assertThat(made.statusCode()).isEqualTo(201);
        String url = EventJson.read(made.body()).get("url").asText();
        String query = url.substring(url.indexOf('?'));
        HttpClient noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        assertThat(noRedirects.send(HttpRequest.newBuilder(hb.uri("/connect/oura" + query)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(302);
        // the same signature for another user or another provider is worth nothing
        assertThat(raw("GET", "/connect/oura" + query.replace("user=victim", "user=mallory"), null, null).statusCode())
                .isEqualTo(401);
        assertThat(raw("GET", "/connect/withings" + query, null, null).statusCode()).isEqualTo(401);
        assertThat(raw("POST", "/api/v1/connect-links", null, "{\"user\":\"x\",\"provider\":\"oura\"}").statusCode())
                .isEqualTo(401);
    }
}
