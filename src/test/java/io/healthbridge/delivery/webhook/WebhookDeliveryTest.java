package io.healthbridge.delivery.webhook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Signed deliveries to a real receiver: signatures, filters, retries after failures, 410, secret rotation. */
class WebhookDeliveryTest {

    @TempDir
    Path work;

    @Test
    void everyMatchingEventArrivesSignedOnceWithItsIdAsWebhookId() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s,200ms,200ms"));
             Receiver receiver = new Receiver()) {
            JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url()
                    + "\",\"event_types\":[\"health.sleep_*\",\"health.respiratory_rate\"],\"user_ids\":[\"u1\"]}");
            String secret = sub.get("secret").asText();
            assertThat(secret).startsWith("whsec_");

            WebhookSupport.publish(hb, "sleep", "u1");      // sleep_session, HRV, respiratory rate, heart rate
            WebhookSupport.publish(hb, "sleep", "someone-else");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() >= 2);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(receiver.requests).hasSize(2));
            Set<String> types = new HashSet<>();
            for (Receiver.Request r : receiver.requests) {
                assertThat(Receiver.verifies(r, secret)).as("signature of " + r.id()).isTrue();
                assertThat(Receiver.officialLibraryVerifies(r, secret)).as("official library on " + r.id()).isTrue();
                JsonNode event = EventJson.read(r.body());
                assertThat(event.get("id").asText()).isEqualTo(r.id());
                assertThat(event.get("subject").asText()).isEqualTo("u1");
                assertThat(Math.abs(Long.parseLong(r.timestamp()) - System.currentTimeMillis() / 1000)).isLessThan(60);
                types.add(event.get("type").asText());
            }
            assertThat(types).containsExactlyInAnyOrder("health.sleep_session", "health.respiratory_rate");
            assertThat(Receiver.verifies(receiver.requests.get(0), "whsec_" + java.util.Base64.getEncoder()
                    .encodeToString(new byte[32]))).as("a wrong secret does not verify").isFalse();

            JsonNode deliveries = hb.getJson("/api/v1/webhooks/" + sub.get("id").asText() + "/deliveries");
            assertThat(deliveries.get("total").asInt()).isEqualTo(2);
            assertThat(deliveries.get("deliveries").findValuesAsText("status")).containsOnly("delivered");
            assertThat(hb.getJson("/api/v1/webhooks/" + sub.get("id").asText()).has("secret")).isFalse();
        }
    }

    @Test
    void aReceiverFailingWith500ThenRecoveringGetsEveryEvent() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s,200ms,300ms,300ms,300ms"));
             Receiver receiver = new Receiver()) {
            receiver.failFirst.set(5);
            JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.*\"]}");
            int published = WebhookSupport.publish(hb, "heartrate", "u2");
            assertThat(published).isEqualTo(3);
            await().atMost(Duration.ofSeconds(15)).until(() -> hb.getJson("/api/v1/webhooks/" + sub.get("id").asText()
                    + "/deliveries?status=delivered").get("total").asInt() == 3);
            List<String> ids = receiver.acceptedIds();
            assertThat(new HashSet<>(ids)).hasSize(3);
            assertThat(ids.size()).as("retries reuse the webhook-id").isGreaterThan(3);
            for (Receiver.Request r : receiver.requests) {
                assertThat(Receiver.verifies(r, sub.get("secret").asText())).isTrue();
            }
            JsonNode d = hb.getJson("/api/v1/webhooks/" + sub.get("id").asText() + "/deliveries").get("deliveries");
            assertThat(d.findValues("attempts").stream().mapToInt(JsonNode::asInt).sum()).isGreaterThan(3);
            // the delivery log: every attempt of each delivery, the failed ones with their error, the success last
            int failedAttempts = 0;
            for (JsonNode delivery : d) {
                JsonNode log = hb.getJson("/api/v1/webhooks/" + sub.get("id").asText() + "/deliveries/"
                        + delivery.get("id").asText() + "/attempts");
                JsonNode attempts = log.get("attempts");
                assertThat(attempts.size()).isEqualTo(delivery.get("attempts").asInt());
                for (int i = 0; i < attempts.size() - 1; i++) {
                    assertThat(attempts.get(i).get("status_code").asInt()).isEqualTo(500);
                    assertThat(attempts.get(i).get("error").asText()).isEqualTo("HTTP 500");
                    failedAttempts++;
                }
                JsonNode last = attempts.get(attempts.size() - 1);
                assertThat(last.get("status_code").asInt() / 100).isEqualTo(2);
                assertThat(last.get("error").isNull()).isTrue();
                assertThat(last.get("attempted_at").asText()).isGreaterThanOrEqualTo(attempts.get(0).get("attempted_at").asText());
            }
            assertThat(failedAttempts).isEqualTo(5);
            assertThat(hb.get("/api/v1/webhooks/" + sub.get("id").asText() + "/deliveries/nope/attempts")
                    .statusCode()).isEqualTo(404);
        }
    }

    @Test
    void anEndpointAnswering410IsDisabled() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s,200ms"));
             Receiver receiver = new Receiver()) {
            receiver.status = 410;
            JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.*\"]}");
            WebhookSupport.publish(hb, "heartrate", "u3");
            String id = sub.get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> !hb.getJson("/api/v1/webhooks/" + id).get("enabled").asBoolean());
            assertThat(hb.getJson("/api/v1/webhooks/" + id).get("disabled_reason").asText()).contains("410");
            // deliveries already in flight (up to the per-endpoint bound) complete; nothing is sent after that
            int[] seen = {-1};
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> {
                int now = receiver.requests.size(); // in-flight ones answer, then the count holds still
                boolean still = now == seen[0];
                seen[0] = now;
                return still;
            });
            int sent = receiver.requests.size();
            assertThat(sent).isBetween(1, 3);
            WebhookSupport.publish(hb, "workout", "u3");
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(receiver.requests).hasSize(sent));
            assertThat(hb.getJson("/api/v1/webhooks/" + id + "/deliveries").get("deliveries").findValuesAsText("status"))
                    .doesNotContain("pending", "delivered");
            JsonNode disabled = hb.getJson("/api/v1/events?type=healthbridge.webhook.disabled").get("events");
            assertThat(disabled).hasSize(1);
            assertThat(disabled.get(0).get("event").get("subject").asText()).isEqualTo(id);
            assertThat(disabled.get(0).get("event").get("source").asText()).isEqualTo("healthbridge/webhooks");
        }
    }

    @Test
    void duringASecretRotationBothSignaturesAreSent() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s"));
             Receiver receiver = new Receiver()) {
            JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.workout\"]}");
            String oldSecret = sub.get("secret").asText();
            JsonNode rotated = EventJson.read(WebhookSupport.post(hb, "/api/v1/webhooks/" + sub.get("id").asText()
                    + "/rotate-secret", "").body());
            String newSecret = rotated.get("secret").asText();
            assertThat(newSecret).isNotEqualTo(oldSecret);
            WebhookSupport.publish(hb, "workout", "u4");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 1);
            Receiver.Request r = receiver.requests.get(0);
            assertThat(r.signature().split(" ")).hasSize(2);
            assertThat(Receiver.verifies(r, newSecret)).isTrue();
            assertThat(Receiver.verifies(r, oldSecret)).isTrue();
            assertThat(Receiver.officialLibraryVerifies(r, newSecret)).isTrue();
            assertThat(Receiver.officialLibraryVerifies(r, oldSecret)).isTrue();
            assertThat(Receiver.officialLibraryVerifies(r, WebhookSigner.newSecret())).isFalse();
        }
    }

    @Test
    void testPingAndFhirFormat() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, WebhookSupport.settings("0s"));
             Receiver receiver = new Receiver()) {
            JsonNode sub = WebhookSupport.subscribe(hb, "{\"url\":\"" + receiver.url()
                    + "\",\"event_types\":[\"health.daily_activity\"],\"format\":\"fhir\"}");
            assertThat(WebhookSupport.post(hb, "/api/v1/webhooks/" + sub.get("id").asText() + "/test", "").statusCode())
                    .isEqualTo(202);
            WebhookSupport.publish(hb, "daily_activity", "u5");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 2);
            assertThat(receiver.requests).anySatisfy(r -> assertThat(r.body()).contains("healthbridge.webhook.test"));
            assertThat(receiver.requests).anySatisfy(r -> {
                assertThat(r.contentType()).isEqualTo("application/fhir+json");
                assertThat(r.body()).contains("\"resourceType\":\"Observation\"");
            });
        }
    }
}
