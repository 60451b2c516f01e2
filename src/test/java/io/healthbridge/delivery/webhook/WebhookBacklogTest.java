package io.healthbridge.delivery.webhook;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog against an endpoint that does not answer yet: the fan-out stores what the endpoint's queue has room for
 * already claimed ({@code sending}), the rest of its batch pending, and then waits with the remaining events in the
 * outbox instead of storing every delivery at once; once the endpoint answers, every event arrives once.
 */
class WebhookBacklogTest {

    @TempDir
    Path work;

    @Test
    void theFanOutWaitsWhileTheQueueIsFullAndEveryEventArrivesOnceItDrains() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Set<String> received = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(ex.getRequestHeaders().getFirst("webhook-id"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        Properties p = WebhookSupport.settings("0s,1s");
        p.setProperty("healthbridge.webhooks.timeout-ms", "30000");
        p.setProperty("healthbridge.webhooks.max-concurrency-per-endpoint", "4");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            String id = WebhookSupport.subscribe(hb, "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook\",\"event_types\":[\"health.*\"]}").get("id").asText();
            hb.send(java.net.http.HttpRequest.newBuilder(hb.uri("/api/v1/admin/maintenance"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"enabled\":true}")));
            int events = 0;
            for (int u = 0; u < 90; u++) {
                events += WebhookSupport.publish(hb, "heartrate", "backlog-" + u);
            }
            assertThat(events).as("more than one fan-out batch").isGreaterThan(2 * WebhookDispatcher.FAN_OUT_BATCH);
            hb.send(java.net.http.HttpRequest.newBuilder(hb.uri("/api/v1/admin/maintenance"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"enabled\":false}")));

            // the endpoint holds every request: its slots fill, its queue fills, and the fan-out stops there
            await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 4);
            Thread.sleep(1500); // several polls: none of them may fan out more while the queue is full
            String deliveries = "/api/v1/webhooks/" + id + "/deliveries";
            long stored = total(hb, deliveries);
            long sending = total(hb, deliveries + "?status=sending");
            long pending = total(hb, deliveries + "?status=pending");
            assertThat(stored).as("deliveries stored while the endpoint holds its requests")
                    .isEqualTo(WebhookDispatcher.FAN_OUT_BATCH);
            // claimed: the 4 in flight, and a queue of 8 (4 slots x (1 + 1) for an endpoint whose latency is not known
            // yet), topped up from the pending rows by the polls
            assertThat(sending).as("claimed: in flight and queued").isEqualTo(4 + 8);
            assertThat(pending).isEqualTo(stored - sending);
            assertThat(requests.get()).as("sent: no more than the endpoint's slots").isEqualTo(4);

            answer.countDown();
            int expected = events;
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == expected);
            await().atMost(Duration.ofSeconds(10)).until(() -> total(hb, deliveries + "?status=delivered") == expected);
            assertThat(total(hb, deliveries)).isEqualTo(expected);
            assertThat(requests.get()).as("each event sent once").isEqualTo(expected);
        } finally {
            receiver.stop(0);
        }
    }

    private static long total(RunningHealthbridge hb, String path) throws Exception {
        JsonNode page = hb.getJson(path);
        return page.get("total").asLong();
    }
}
