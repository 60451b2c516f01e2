package io.healthbridge.delivery.webhook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A hanging endpoint never delays a healthy one; an endpoint failing for longer than disable-after is disabled. */
class WebhookIsolationTest {

    @TempDir
    Path work;

    @Test
    void aHangingEndpointDoesNotDelayAHealthyOne() throws Exception {
        HttpServer hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        hanging.createContext("/hook", ex -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hanging.start();
        Properties p = WebhookSupport.settings("0s,10s");
        p.setProperty("healthbridge.webhooks.timeout-ms", "8000");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p); Receiver healthy = new Receiver()) {
            WebhookSupport.subscribe(hb, "{\"url\":\"http://127.0.0.1:" + hanging.getAddress().getPort()
                    + "/hook\",\"event_types\":[\"health.*\"]}");
            WebhookSupport.subscribe(hb, "{\"url\":\"" + healthy.url() + "\",\"event_types\":[\"health.*\"]}");
            long start = System.nanoTime();
            // 10 events: more than the hanging endpoint's concurrency bound of 4
            WebhookSupport.publish(hb, "heartrate", "i1");
            WebhookSupport.publish(hb, "sleep", "i1");
            WebhookSupport.publish(hb, "daily_activity", "i1");
            WebhookSupport.publish(hb, "workout", "i1");
            WebhookSupport.publish(hb, "daily_spo2", "i1");
            await().atMost(Duration.ofSeconds(5)).until(() -> healthy.requests.size() == 10);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            hanging.stop(0);
        }
    }

    @Test
    void anEndpointFailingLongerThanDisableAfterIsDisabled() throws Exception {
        Properties p = WebhookSupport.settings("0s,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms");
        p.setProperty("healthbridge.webhooks.disable-after", "1s");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p); Receiver receiver = new Receiver()) {
            receiver.status = 500;
            JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.*\"]}");
            WebhookSupport.publish(hb, "workout", "i2");
            String id = sub.get("id").asText();
            await().atMost(Duration.ofSeconds(15)).until(() -> !hb.getJson("/api/v1/webhooks/" + id).get("enabled").asBoolean());
            assertThat(hb.getJson("/api/v1/webhooks/" + id).get("disabled_reason").asText()).contains("failed for more than");
            assertThat(hb.getJson("/api/v1/events?type=healthbridge.webhook.disabled").get("events")).hasSize(1);
        }
    }
}
