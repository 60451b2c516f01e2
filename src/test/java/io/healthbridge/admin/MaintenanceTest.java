package io.healthbridge.admin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Maintenance mode pauses polling, delivery and push processing, accepts pushes, and loses nothing on resume. */
class MaintenanceTest {

    @TempDir
    Path work;

    static HttpResponse<String> maintenance(RunningHealthbridge hb, String json) throws Exception {
        return hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/admin/maintenance")).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void onPausesEverythingAndOffResumesWithNothingLost() throws Exception {
        Properties p = SimulatedProviders.settings("mo");
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        p.setProperty("healthbridge.webhooks.poll-interval-ms", "100");
        p.setProperty("healthbridge.push.poll-interval-ms", "100");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p);
             io.healthbridge.delivery.webhook.Receiver receiver = new io.healthbridge.delivery.webhook.Receiver()) {
            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            // on before the subscription: the demo's phone data, stored while the runtime starts, waits too
            HttpResponse<String> on = maintenance(hb, "{\"enabled\":true,\"message\":\"database upgrade\"}");
            assertThat(on.statusCode()).isEqualTo(200);
            HttpResponse<String> sub = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest
                    .BodyPublishers.ofString("{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.workout\"]}")));
            assertThat(sub.statusCode()).isEqualTo(201);
            assertThat(hb.getJson("/api/v1/status").get("maintenance").get("enabled").asBoolean()).isTrue();
            hb.writeRoute("providers/oura.camel.yaml", SimulatedProviders.pollRoute("oura", "workout", 200, "default", "default"));
            // a push arrives during maintenance: accepted and kept
            String body = "{\"event_type\":\"create\",\"data_type\":\"workout\",\"object_id\":\"o\",\"user_id\":\"mo\"}";
            long ts = Instant.now().getEpochSecond();
            String sig = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac("healthbridge-sim-secret",
                    (ts + body).getBytes(StandardCharsets.UTF_8)));
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/oura/webhook")).header("x-oura-timestamp",
                    String.valueOf(ts)).header("x-oura-signature", sig).POST(HttpRequest.BodyPublishers.ofString(body)))
                    .statusCode()).isEqualTo(200);
            long requests = sim.requests("oura");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(sim.requests("oura")).as("no provider calls in maintenance")
                            .isEqualTo(requests));
            assertThat(receiver.requests).isEmpty();
            assertThat(hb.getJson("/api/v1/status").get("push").get("pending").asInt()).isEqualTo(1);

            assertThat(maintenance(hb, "{\"enabled\":\"maybe\"}").statusCode()).isEqualTo(400);
            assertThat(maintenance(hb, "{\"enabled\":false}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> hb.getJson("/api/v1/events?type=health.workout&user=mo")
                    .get("events").size() > 0 && !receiver.requests.isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> hb.getJson("/api/v1/status").get("push").get("pending").asInt() == 0);
            JsonNode status = hb.getJson("/api/v1/status");
            assertThat(status.get("store").get("status").asText()).isEqualTo("UP");
            assertThat(status.get("jvm").get("heap_used_bytes").asLong()).isPositive();
        }
    }

    @Test
    void maintenanceSurvivesARestart() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            assertThat(maintenance(hb, "{\"enabled\":true,\"message\":\"m\"}").statusCode()).isEqualTo(200);
        }
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            JsonNode m = hb.getJson("/api/v1/admin/maintenance");
            assertThat(m.get("enabled").asBoolean()).isTrue();
            assertThat(m.get("message").asText()).isEqualTo("m");
        }
    }

    @Test
    void deliveriesHeldDuringMaintenanceGoOutWhenItEndsNotAtTheNextPoll() throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        p.setProperty("healthbridge.webhooks.poll-interval-ms", "600000"); // the poll is not what resumes delivery
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p);
             io.healthbridge.delivery.webhook.Receiver receiver = new io.healthbridge.delivery.webhook.Receiver()) {
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest.BodyPublishers
                    .ofString("{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.*\"]}"))).statusCode())
                    .isEqualTo(201);
            assertThat(maintenance(hb, "{\"enabled\":true}").statusCode()).isEqualTo(200);
            String payload = java.nio.file.Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/heartrate.json"));
            int published = hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload,
                    java.util.Map.of(io.healthbridge.HealthbridgeHeaders.PROVIDER, "oura",
                            io.healthbridge.HealthbridgeHeaders.DATASET, "heartrate",
                            io.healthbridge.HealthbridgeHeaders.USER_ID, "held"),
                    io.healthbridge.event.IngestSummary.class).published();
            assertThat(published).isPositive();
            // the timer's first round (0.5 s after start) falls in maintenance; the next is 10 min away
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .untilAsserted(() -> assertThat(receiver.requests).as("nothing sent in maintenance").isEmpty());

            assertThat(maintenance(hb, "{\"enabled\":false}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == published);
        }
    }

    @Test
    void leavingMaintenanceOnAnotherInstanceRunsTheResumeTasksHere() {
        try (io.healthbridge.store.Database db = io.healthbridge.store.Database.open(
                "jdbc:h2:mem:maintenance" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2)) {
            Maintenance here = new Maintenance(db.dataSource(), java.time.Clock.systemUTC());
            Maintenance there = new Maintenance(db.dataSource(), java.time.Clock.systemUTC());
            java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();
            here.onResume(resumed::incrementAndGet);
            there.set(true, "elsewhere");
            here.refresh();
            assertThat(here.isOn()).isTrue();
            here.refresh();
            assertThat(resumed).as("not resumed while on").hasValue(0);
            there.set(false, null);
            here.refresh();
            assertThat(here.isOff()).isTrue();
            assertThat(resumed).as("resumed once, when seen off").hasValue(1);
            here.refresh();
            here.set(false, null);
            assertThat(resumed).as("off to off is no resume").hasValue(1);
            here.set(true, null);
            here.set(false, null);
            assertThat(resumed).hasValue(2);
        }
    }
}
