package io.healthbridge.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel's own management tools, off by default: its developer consoles behind the API's admin authentication, and
 * Jolokia (what Hawtio attaches to) on Camel's management server, behind the same admin authentication.
 */
class CamelManagementTest {

    @TempDir
    Path work;

    @Test
    void offByDefaultTheConsolesAnswer404WithHowToTurnThemOn() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            HttpResponse<String> r = hb.get("/api/v1/camel/consoles");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("camel.main.dev-console-enabled");
        }
    }

    @Test
    void consolesAndJolokiaWhenTurnedOn() throws Exception {
        Properties p = new Properties();
        p.setProperty("camel.main.dev-console-enabled", "true");
        p.setProperty("camel.main.jmx-enabled", "true");
        p.setProperty("camel.management.enabled", "true");
        p.setProperty("camel.management.jolokia-enabled", "true");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            JsonNode list = hb.getJson("/api/v1/camel/consoles").get("consoles");
            assertThat(list.findValuesAsText("id")).contains("context", "route", "health", "jvm")
                    .doesNotContain("browse", "send", "receive", "properties");
            JsonNode routes = hb.getJson("/api/v1/camel/consoles/route");
            assertThat(routes.toString()).contains("api-routes-list-impl");
            assertThat(hb.get("/api/v1/camel/consoles/browse").statusCode()).isEqualTo(404);
            String viewer = key(hb, "read");
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/camel/consoles"))
                    .header("Authorization", "Bearer " + viewer)).statusCode()).isEqualTo(403);

            // Jolokia on the main port, behind the API's admin authentication
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/operators")).POST(HttpRequest.BodyPublishers
                    .ofString("{\"username\":\"hawtio\",\"password\":\"hawtio-password-1\",\"role\":\"admin\"}")))
                    .statusCode()).isEqualTo(201);
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/operators")).POST(HttpRequest.BodyPublishers
                    .ofString("{\"username\":\"looker\",\"password\":\"looker-password-1\",\"role\":\"viewer\"}")))
                    .statusCode()).isEqualTo(201);
            URI read = URI.create("http://127.0.0.1:" + hb.port() + "/observe/jolokia/read/"
                                  + "org.apache.camel:context=*,type=context,name=*/State");
            HttpResponse<String> none = jolokia(read, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith("Basic"));
            assertThat(none.body()).contains("AUTH_001").doesNotContain("Started");
            assertThat(jolokia(read, basic("hawtio", "wrong-password-00")).statusCode()).isEqualTo(401);
            assertThat(jolokia(read, basic("looker", "looker-password-1")).statusCode()).isEqualTo(403);
            assertThat(jolokia(read, "Bearer " + viewer).statusCode()).isEqualTo(403);
            assertThat(jolokia(read, "Bearer not-a-key").statusCode()).isEqualTo(401);
            // what Hawtio sends: an admin operator's username and password
            HttpResponse<String> hawtio = jolokia(read, basic("hawtio", "hawtio-password-1"));
            assertThat(hawtio.statusCode()).as(hawtio.body()).isEqualTo(200);
            assertThat(hawtio.body()).contains("Started");
            // Hawtio polls every few seconds: more than the 5 sign-ins a minute a username is allowed
            for (int i = 0; i < 8; i++) {
                assertThat(jolokia(read, basic("hawtio", "hawtio-password-1")).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> admin = jolokia(read, "Bearer " + key(hb, "admin"));
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
            assertThat(admin.body()).contains("Started");
            // a POST (Jolokia's bulk form) is checked the same way, its body kept for Jolokia
            HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + hb.port() + "/observe/jolokia/")).header("Authorization",
                    basic("hawtio", "hawtio-password-1")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
            assertThat(EventJson.read(post.body()).path("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void managementOnAPortOfItsOwnIsRefusedAtStart() {
        Properties p = new Properties();
        p.setProperty("camel.management.enabled", "true");
        p.setProperty("camel.management.port", "1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningHealthbridge.start(work, p))
                .hasStackTraceContaining("must share the main port");
    }

    private static String key(RunningHealthbridge hb, String scope) throws Exception {
        HttpResponse<String> key = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys")).POST(
                HttpRequest.BodyPublishers.ofString("{\"name\":\"tool\",\"scopes\":[\"" + scope + "\"]}")));
        return EventJson.read(key.body()).get("key").asText();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> jolokia(URI uri, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
