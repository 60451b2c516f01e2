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
 * A backlog against an endpoint that does not answer yet: the fan-out takes from the outbox only as many events as the
 * endpoint's queue has room for, stored already claimed ({@code sending}), none pending, and then waits with the
 * remaining events in the outbox instead of storing every delivery at once; once the endpoint answers, every event
 * arrives once.
 */
class WebhookBacklogTest {

    @TempDir
    Path work;

    @Test
    void theFanOutWaitsWhileTheQueueIsFullAndEveryEventArrivesOnceItDrains() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Set<String> received = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer receiver = holdingReceiver(answer, received, requests);
        Properties p = settings();
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            String id = WebhookSupport.subscribe(hb, "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook\",\"event_types\":[\"health.*\"]}").get("id").asText();
            int events = backlogPublishedInMaintenance(hb);

            // the endpoint holds every request: its slots fill, its queue fills, and the fan-out stops there
            await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 4);
            String deliveries = "/api/v1/webhooks/" + id + "/deliveries";
            // several polls: none of them may fan out more while the queue is full
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4))
                    .untilAsserted(() -> assertThat(total(hb, deliveries)).isEqualTo(4 + 4));
            long stored = total(hb, deliveries);
            long sending = total(hb, deliveries + "?status=sending");
            long pending = total(hb, deliveries + "?status=pending");
            // what the endpoint can take: its 4 slots x (1 + 1) for an endpoint whose latency is not known yet, 4 in
            // flight and 4 queued, all stored claimed; nothing pending, to be read and claimed again later
            assertThat(stored).as("deliveries stored while the endpoint holds its requests").isEqualTo(4 + 4);
            assertThat(sending).as("claimed: in flight and queued").isEqualTo(stored);
            assertThat(pending).isZero();
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

    /**
     * A slow endpoint's full queue does not hold a backlog back from a fast one: when the fast one's queue runs dry, the
     * fan-out takes what the fast one has room for; the slow one gets those deliveries pending, sent when it answers.
     */
    @Test
    void aSlowEndpointsFullQueueDoesNotHoldTheBacklogBackFromAFastOne() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Set<String> slowReceived = ConcurrentHashMap.newKeySet();
        HttpServer slow = holdingReceiver(answer, slowReceived, new java.util.concurrent.atomic.AtomicInteger());
        Properties p = settings();
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p); Receiver fast = new Receiver()) {
            String slowId = WebhookSupport.subscribe(hb, "{\"url\":\"http://127.0.0.1:" + slow.getAddress().getPort()
                    + "/hook\",\"event_types\":[\"health.*\"]}").get("id").asText();
            WebhookSupport.subscribe(hb, "{\"url\":\"" + fast.url() + "\",\"event_types\":[\"health.*\"]}");
            int events = backlogPublishedInMaintenance(hb);

            int expected = events;
            await().atMost(Duration.ofSeconds(20)).until(() -> fast.requests.size() == expected);
            assertThat(slowReceived).as("the slow endpoint still holds its requests").isEmpty();
            String slowDeliveries = "/api/v1/webhooks/" + slowId + "/deliveries";
            await().atMost(Duration.ofSeconds(5)).until(() -> total(hb, slowDeliveries) == expected);

            answer.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> slowReceived.size() == expected);
            await().atMost(Duration.ofSeconds(10)).until(() -> total(hb, slowDeliveries + "?status=delivered") == expected);
            assertThat(fast.requests).as("each event sent to the fast endpoint once").hasSize(expected);
        } finally {
            slow.stop(0);
        }
    }

    /** A receiver that holds every request until {@code answer} opens, then records its webhook-id and answers 200. */
    private static HttpServer holdingReceiver(CountDownLatch answer, Set<String> received,
            java.util.concurrent.atomic.AtomicInteger requests) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hook", ex -> {
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
        server.start();
        return server;
    }

    /**
     * Publishes more than two fan-out batches of events while in maintenance (nothing delivered), then ends
     * maintenance, so the dispatcher meets them as one backlog. Returns how many events were published.
     */
    private static int backlogPublishedInMaintenance(RunningHealthbridge hb) throws Exception {
        WebhookSupport.post(hb, "/api/v1/admin/maintenance", "{\"enabled\":true}");
        int events = 0;
        for (int u = 0; u < 90; u++) {
            events += WebhookSupport.publish(hb, "heartrate", "backlog-" + u);
        }
        assertThat(events).as("more than one fan-out batch").isGreaterThan(2 * WebhookDispatcher.FAN_OUT_BATCH);
        WebhookSupport.post(hb, "/api/v1/admin/maintenance", "{\"enabled\":false}");
        return events;
    }

    /** 4 sending slots per endpoint, a timeout longer than the test holds a request. */
    private static Properties settings() {
        Properties p = WebhookSupport.settings("0s,1s");
        p.setProperty("healthbridge.webhooks.timeout-ms", "30000");
        p.setProperty("healthbridge.webhooks.max-concurrency-per-endpoint", "4");
        return p;
    }

    private static long total(RunningHealthbridge hb, String path) throws Exception {
        JsonNode page = hb.getJson(path);
        return page.get("total").asLong();
    }
}
