package io.healthbridge.delivery.webhook;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * More deliveries in flight than the dispatcher has threads (3 slow endpoints x 4 slots against 2 threads) all
 * arrive. The dispatcher used to block a thread per request on the executor its HTTP client completes on, and such a
 * load stopped delivery for good (found by bench/).
 */
class WebhookInFlightTest {

    @TempDir
    Path work;

    @Test
    void moreDeliveriesInFlightThanThreadsAllArrive() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        List<HttpServer> receivers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int endpoint = i;
            HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            slow.setExecutor(Executors.newFixedThreadPool(8));
            slow.createContext("/hook", ex -> {
                ex.getRequestBody().readAllBytes();
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                received.add(endpoint + "/" + ex.getRequestHeaders().getFirst("webhook-id"));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            slow.start();
            receivers.add(slow);
        }
        Properties p = WebhookSupport.settings("0s,1s");
        p.setProperty("healthbridge.webhooks.threads", "2");
        p.setProperty("healthbridge.webhooks.max-concurrency-per-endpoint", "4");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            for (HttpServer r : receivers) {
                WebhookSupport.subscribe(hb, "{\"url\":\"http://127.0.0.1:" + r.getAddress().getPort()
                        + "/hook\",\"event_types\":[\"health.*\"]}");
            }
            int events = WebhookSupport.publish(hb, "heartrate", "inflight")
                         + WebhookSupport.publish(hb, "sleep", "inflight");
            assertThat(3 * events).as("deliveries, more than the 12 slots").isGreaterThan(12);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 3 * events);
        } finally {
            receivers.forEach(r -> r.stop(0));
        }
    }
}
