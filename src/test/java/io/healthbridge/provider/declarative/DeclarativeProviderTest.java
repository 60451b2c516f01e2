package io.healthbridge.provider.declarative;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dexcom exists only as routes/providers/dexcom.camel.yaml: it connects, polls and publishes from that file; a
 * broken JSONata mapping dead-letters records with the reason; the fixed file, hot-reloaded, replays them.
 */
class DeclarativeProviderTest {

    @TempDir
    Path work;

    static String shipped() throws Exception {
        return Files.readString(Path.of("routes/providers/dexcom.camel.yaml"))
                .replace("\"{{healthbridge.poll.period-ms}}\"", "\"500\"");
    }

    static void connect(RunningHealthbridge hb, String user) {
        ConnectFlow flow = hb.runtime().context().getRegistry().lookupByNameAndType("connectFlow", ConnectFlow.class);
        URI callback = SimulatedProviders.simulator(hb).authorize(flow.start("dexcom", user));
        Map<String, String> q = ProviderSimulator.queryOf(callback);
        flow.complete("dexcom", q.get("code"), q.get("state"), "Europe/Berlin");
    }

    @Test
    void aProviderFromOneYamlFileConnectsPollsAndPublishes() throws Exception {
        Files.createDirectories(work.resolve("routes/providers"));
        Files.writeString(work.resolve("routes/providers/dexcom.camel.yaml"), shipped());
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings("dex"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> hb.getJson(
                    "/api/v1/events?provider=dexcom&user=dex&type=health.blood_glucose&limit=5").get("events").size() == 5);
            JsonNode e = hb.getJson("/api/v1/events?provider=dexcom&user=dex&type=health.blood_glucose&limit=1").get("events").get(0).get("event");
            assertThat(e.get("data").get("value").get("unit").asText()).isEqualTo("mg/dL");
            assertThat(e.get("data").get("provenance").get("device").get("manufacturer").asText()).isEqualTo("Dexcom");
            assertThat(e.get("time").asText()).endsWith("+01:00");

            // a broken mapping: every record of a new user is dead-lettered with the reason
            JsonNode broken = hb.writeRouteAndWait("providers/dexcom.camel.yaml",
                    shipped().replace("\"value\": value,", "\"value\": \"high\","));
            assertThat(broken.get("result").asText()).isEqualTo("ok");
            assertThat(broken.get("routes").toString()).contains("dexcom-poll");
            connect(hb, "dex2");
            // dex2's: a poll of the first user inside the broken window dead-letters its records too
            await().atMost(Duration.ofSeconds(30)).until(() -> dex2DeadLetter(hb) != null);
            JsonNode dl = dex2DeadLetter(hb);
            assertThat(dl.get("reason").asText()).contains("not a number").contains("high");
            assertThat(hb.getJson("/api/v1/events?provider=dexcom&user=dex2&type=health.blood_glucose").get("events")).isEmpty();

            // the fix is live within a second; the dead letters replay through the fixed mapping
            assertThat(hb.writeRouteAndWait("providers/dexcom.camel.yaml", shipped()).get("result").asText())
                    .isEqualTo("ok");
            var replay = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/dead-letters/" + dl.get("id").asText() + "/replay"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
            assertThat(hb.getJson("/api/v1/events?provider=dexcom&user=dex2&type=health.blood_glucose").get("events")).isNotEmpty();
        }
    }

    /**
     * The file's second bean adds Dexcom's events to the same provider: polled beside the glucose readings, carbs,
     * insulin and exercise are published; the same record later marked deleted becomes a tombstone of what it made.
     */
    @Test
    void dexcomEventsArePolledAndOneMarkedDeletedBecomesATombstone() throws Exception {
        Files.createDirectories(work.resolve("routes/providers"));
        Files.writeString(work.resolve("routes/providers/dexcom.camel.yaml"), shipped());
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings("dex"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> SimulatedProviders.typesOf(hb, "dexcom").containsAll(
                    java.util.Set.of("health.blood_glucose", "health.nutrition", "health.insulin_dose",
                            "health.workout")));
            JsonNode carbs = hb.getJson("/api/v1/events?provider=dexcom&user=dex&type=health.nutrition&limit=1")
                    .at("/events/0/event");
            assertThat(carbs.at("/data/nutrients/total_carbohydrate/value").asInt()).isEqualTo(45);
            JsonNode insulin = hb.getJson("/api/v1/events?provider=dexcom&user=dex&type=health.insulin_dose&limit=1")
                    .at("/events/0/event/data");
            assertThat(insulin.at("/value/value").asInt()).isEqualTo(6);
            assertThat(insulin.get("insulin_type").asText()).isEqualTo("fast_acting");

            String recordId = carbs.at("/data/provenance/source_record_id").asText();
            String deleted = "{\"records\":[{\"recordId\":\"" + recordId + "\",\"systemTime\":\"2026-11-20T11:30:00Z\","
                             + "\"displayTime\":\"2026-11-20T12:30:00+01:00\",\"eventStatus\":\"deleted\","
                             + "\"eventType\":\"carbs\",\"value\":\"45\",\"unit\":\"grams\"}]}";
            io.healthbridge.event.IngestSummary summary = hb.runtime().context().createProducerTemplate()
                    .requestBodyAndHeaders("direct:ingest", deleted, Map.of(
                            io.healthbridge.HealthbridgeHeaders.PROVIDER, "dexcom",
                            io.healthbridge.HealthbridgeHeaders.DATASET, "events",
                            io.healthbridge.HealthbridgeHeaders.USER_ID, "dex"),
                            io.healthbridge.event.IngestSummary.class);
            assertThat(summary.skippedByReason()).containsEntry("deleted_at_provider", 1);
            assertThat(summary.published()).isEqualTo(1);
            JsonNode tombstones = hb.getJson("/api/v1/events?provider=dexcom&user=dex&type=health.deleted").get("events");
            assertThat(tombstones).hasSize(1);
            assertThat(tombstones.at("/0/event/data/key").asText()).isEqualTo(carbs.at("/data/key").asText());
            assertThat(hb.getJson("/api/v1/events?provider=dexcom&user=dex&type=health.nutrition&limit=500")
                    .findValuesAsText("id")).doesNotContain(carbs.get("id").asText());
        }
    }

    static JsonNode dex2DeadLetter(RunningHealthbridge hb) throws Exception {
        for (JsonNode d : hb.getJson("/api/v1/dead-letters?provider=dexcom&limit=500").get("dead_letters")) {
            if (d.get("user_id").asText().equals("dex2")) {
                return d;
            }
        }
        return null;
    }
}
