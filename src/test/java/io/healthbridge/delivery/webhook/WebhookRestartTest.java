package io.healthbridge.delivery.webhook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The retry schedule lives in the store: stopped while retrying, the next start still delivers everything. */
class WebhookRestartTest {

    @TempDir
    Path work;

    @Test
    void deliveriesPendingAtStopAreDeliveredAfterRestart() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.status = 503;
            String id;
            try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s,2s,2s,2s,2s"))) {
                JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.*\"]}");
                id = sub.get("id").asText();
                assertThat(WebhookSupport.publish(hb, "heartrate", "u6")).isEqualTo(3);
                await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() >= 3);
            }
            int beforeRestart = receiver.requests.size();
            receiver.status = 200;
            try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s,2s,2s,2s,2s"))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> hb.getJson("/api/v1/webhooks/" + id
                        + "/deliveries?status=delivered").get("total").asInt() == 3);
            }
            assertThat(receiver.requests.size()).isGreaterThan(beforeRestart);
            assertThat(new HashSet<>(receiver.acceptedIds())).hasSize(3);
        }
    }
}
