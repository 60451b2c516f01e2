package io.healthbridge.delivery.webhook;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;

/** Shared steps of the webhook tests. */
final class WebhookSupport {

    private WebhookSupport() {
    }

    static Properties settings(String schedule) {
        Properties p = new Properties();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        p.setProperty("healthbridge.webhooks.retry-schedule", schedule);
        p.setProperty("healthbridge.webhooks.poll-interval-ms", "100");
        p.setProperty("healthbridge.webhooks.timeout-ms", "3000");
        p.setProperty("healthbridge.webhooks.breaker-open", "300ms");
        return p;
    }

    static HttpResponse<String> post(RunningHealthbridge hb, String path, String json) throws Exception {
        return hb.send(HttpRequest.newBuilder(hb.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Creates a subscription and returns its JSON (with the secret). */
    static JsonNode subscribe(RunningHealthbridge hb, String json) throws Exception {
        HttpResponse<String> r = post(hb, "/api/v1/webhooks", json);
        if (r.statusCode() != 201) {
            throw new AssertionError("subscription refused: " + r.statusCode() + " " + r.body());
        }
        return EventJson.read(r.body());
    }

    /** Publishes the realistic Oura fixture of a dataset for a user; returns how many events were published. */
    static int publish(RunningHealthbridge hb, String dataset, String user) throws Exception {
        String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/" + dataset + ".json"));
        var s = hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, dataset,
                HealthbridgeHeaders.USER_ID, user), io.healthbridge.event.IngestSummary.class);
        return s.published();
    }
}
