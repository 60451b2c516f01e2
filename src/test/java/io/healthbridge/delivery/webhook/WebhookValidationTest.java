package io.healthbridge.delivery.webhook;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Properties;

import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad subscriptions get 400 with the error format and nothing is saved; private targets need the allowlist. */
class WebhookValidationTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work, new Properties());
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static void refused(String body, String field) throws Exception {
        HttpResponse<String> r = WebhookSupport.post(hb, "/api/v1/webhooks", body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":\"VAL_001\"").contains(field);
    }

    @Test
    void badInputIsRefusedAndNothingSaved() throws Exception {
        refused("{not json", "body");
        refused("[]", "body");
        refused("{\"event_types\":[\"health.*\"]}", "url");
        refused("{\"url\":\"ftp://example.org/x\",\"event_types\":[\"health.*\"]}", "url");
        refused("{\"url\":\"https://example.org/x\",\"event_types\":[\"health.nonsense\"]}", "event_types");
        refused("{\"url\":\"https://example.org/x\",\"event_types\":[]}", "event_types");
        refused("{\"url\":\"https://example.org/x\",\"event_types\":\"health.*\"}", "event_types");
        refused("{\"url\":\"https://example.org/x\",\"event_types\":[\"health.*\"],\"format\":\"xml\"}", "format");
        refused("{\"url\":\"https://example.org/x\",\"event_types\":[\"health.*\"],\"secret\":\"abc\"}", "secret");
        refused("{\"url\":\"https://example.org/x\",\"event_types\":[\"health.*\"],\"enabled\":\"yes\"}", "enabled");
        assertThat(hb.getJson("/api/v1/webhooks").get("webhooks")).isEmpty();
    }

    @Test
    void privateAndLoopbackTargetsAreRefusedWithoutTheAllowlist() throws Exception {
        refused("{\"url\":\"http://127.0.0.1:9/x\",\"event_types\":[\"health.*\"]}", "allowed-targets");
        refused("{\"url\":\"http://10.1.2.3/x\",\"event_types\":[\"health.*\"]}", "private");
        refused("{\"url\":\"http://169.254.169.254/latest\",\"event_types\":[\"health.*\"]}", "link-local");
        refused("{\"url\":\"http://[::1]/x\",\"event_types\":[\"health.*\"]}", "loopback");
        assertThat(hb.getJson("/api/v1/webhooks").get("webhooks")).isEmpty();
    }

    @Test
    void unknownIdsAre404() throws Exception {
        assertThat(hb.get("/api/v1/webhooks/nope").statusCode()).isEqualTo(404);
        assertThat(WebhookSupport.post(hb, "/api/v1/webhooks/nope/test", "").statusCode()).isEqualTo(404);
    }
}
