package io.healthbridge.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Jolokia (what Hawtio attaches to) on Camel's management server with its basic authentication.
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
        Path users = Files.writeString(work.resolve("management-users.properties"),
                "user.hawtio = hawtio-password-1,admin\nrole.admin = *\n");
        Properties p = new Properties();
        p.setProperty("camel.main.dev-console-enabled", "true");
        p.setProperty("camel.main.jmx-enabled", "true");
        p.setProperty("camel.management.enabled", "true");
        // the main server's basic authentication guards the management paths it shares
        p.setProperty("camel.server.authentication-enabled", "true");
        p.setProperty("camel.server.authentication-path", "/observe/*");
        p.setProperty("camel.server.basic-properties-file", users.toString());
        p.setProperty("camel.management.jolokia-enabled", "true");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            JsonNode list = hb.getJson("/api/v1/camel/consoles").get("consoles");
            assertThat(list.findValuesAsText("id")).contains("context", "route", "health", "jvm")
                    .doesNotContain("browse", "send", "receive", "properties");
            JsonNode routes = hb.getJson("/api/v1/camel/consoles/route");
            assertThat(routes.toString()).contains("api-routes-list-impl");
            assertThat(hb.get("/api/v1/camel/consoles/browse").statusCode()).isEqualTo(404);
            HttpResponse<String> key = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"watcher\",\"scopes\":[\"read\"]}")));
            String viewer = EventJson.read(key.body()).get("key").asText();
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/camel/consoles"))
                    .header("Authorization", "Bearer " + viewer)).statusCode()).isEqualTo(403);

            // Jolokia on the management port: refused without its credentials, Camel's MBeans with them
            HttpClient http = HttpClient.newHttpClient();
            URI read = URI.create("http://127.0.0.1:" + hb.port() + "/observe/jolokia/read/"
                                  + "org.apache.camel:context=*,type=context,name=*/State");
            assertThat(http.send(HttpRequest.newBuilder(read).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            HttpResponse<String> jolokia = http.send(HttpRequest.newBuilder(read).header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString("hawtio:hawtio-password-1".getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(jolokia.statusCode()).as(jolokia.body()).isEqualTo(200);
            assertThat(jolokia.body()).contains("Started");
        }
    }

    @Test
    void jolokiaWithoutBasicAuthenticationIsRefusedAtStart() {
        Properties p = new Properties();
        p.setProperty("camel.management.enabled", "true");
        p.setProperty("camel.management.jolokia-enabled", "true");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningHealthbridge.start(work, p))
                .hasStackTraceContaining("camel.server.authentication-enabled = true");
    }
}
