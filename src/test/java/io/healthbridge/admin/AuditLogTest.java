package io.healthbridge.admin;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.Routes;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Management changes and route file reloads are audited with who and the outcome; reads are not; no secrets. */
class AuditLogTest {

    @TempDir
    Path work;

    @Test
    void changesAreAuditedWithoutSecrets() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            String webhookSecret = EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"http://127.0.0.1:9/h\",\"event_types\":[\"health.*\"]}")))
                    .body()).get("secret").asText();
            String key = EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scopes\":[\"read\"]}"))).body()).get("key").asText();
            hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest.BodyPublishers.ofString("{bad")));
            hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/admin/maintenance"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"enabled\":false}")));
            hb.get("/api/v1/webhooks");
            hb.writeRoute("audited.camel.yaml", Routes.yamlConstant("audited", "/audited", "a"));
            hb.writeRoute("broken.camel.yaml", "- route: [\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> hb.getJson("/api/v1/audit?action=route_file").get("entries").size() == 2);

            String raw = hb.get("/api/v1/audit").body();
            assertThat(raw).doesNotContain(webhookSecret).doesNotContain(key).doesNotContain(RunningHealthbridge.ADMIN_KEY);
            JsonNode entries = EventJson.read(raw).get("entries");
            assertThat(entries.findValuesAsText("action")).contains("api-webhooks-create", "api-keys-create",
                    "api-maintenance-set", "route_file.apply").doesNotContain("api-webhooks-list");
            assertThat(entries.findValuesAsText("actor")).contains("bootstrap admin (bootstrap)", "route-file-watcher");
            assertThat(entries.findValuesAsText("outcome")).contains("201", "400", "200", "ok", "rejected");
            JsonNode webhooks = hb.getJson("/api/v1/audit?action=api-webhooks-create").get("entries");
            assertThat(webhooks).hasSize(2);
            assertThat(webhooks.get(0).get("target").asText()).isEqualTo("POST /api/v1/webhooks");
        }
    }
}
