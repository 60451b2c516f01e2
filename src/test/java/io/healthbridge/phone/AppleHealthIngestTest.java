package io.healthbridge.phone;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The iOS apps people already use, pointed at {@code POST /ingest/apple-health}: the shared Open Wearables and Health
 * Auto Export samples end to end, each told apart by its shape, with the values the contract gives.
 */
class AppleHealthIngestTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures/apple-health");
    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static String token(String user) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/device-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"iPhone\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return EventJson.read(r.body()).get("token").asText();
    }

    static HttpResponse<String> push(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri("/ingest/apple-health"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return hb.send(b);
    }

    static JsonNode events(String user, String type) throws Exception {
        return hb.getJson("/api/v1/events?user=" + user + "&type=health." + type + "&limit=500").get("events");
    }

    @Test
    void anOpenWearablesSyncIsPublishedWithEverySourceApart() throws Exception {
        String token = token("ios-ana");
        String body = Files.readString(FIXTURES.resolve("push-open-wearables-sync.json"));
        HttpResponse<String> r = push(token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode answer = EventJson.read(r.body());
        assertThat(answer.get("format").asText()).isEqualTo("open-wearables-sync");
        assertThat(answer.get("rejected")).isEmpty();
        // 7 records (the BP pair is one reading) + 2 nights (iPhone in bed only: skipped) + 1 workout
        assertThat(answer.get("records").asInt()).isEqualTo(9);
        assertThat(answer.get("published").asInt()).isEqualTo(8);
        assertThat(answer.at("/skipped/in_bed_only").asInt()).isEqualTo(1);

        Map<String, Integer> steps = new HashMap<>();
        events("ios-ana", "steps").forEach(e -> steps.put(e.at("/event/data/provenance/device/type").asText(),
                e.at("/event/data/value/value").asInt()));
        assertThat(steps).isEqualTo(Map.of("phone", 812, "watch", 431));
        JsonNode bp = events("ios-ana", "blood_pressure");
        assertThat(bp).hasSize(1);
        assertThat(bp.get(0).at("/event/data/systolic/value").asInt()).isEqualTo(128);
        assertThat(bp.get(0).at("/event/data/provenance/source_record_id").asText())
                .isEqualTo("A1B2C3D4-E5F6-4711-8899-AABBCCDDEE00");
        JsonNode sleep = events("ios-ana", "sleep_session");
        assertThat(sleep).hasSize(1);
        assertThat(sleep.get(0).at("/event/data/duration/value").asInt()).isEqualTo(1410 + 2430 + 1350);
        assertThat(sleep.get(0).at("/event/data/start").asText()).isEqualTo("2025-01-13T23:08:00+01:00");
        JsonNode hrv = events("ios-ana", "heart_rate_variability").get(0);
        assertThat(hrv.at("/event/data/method").asText()).isEqualTo("sdnn");
        assertThat(events("ios-ana", "workout").get(0).at("/event/data/distance/value").asInt()).isEqualTo(5820);

        JsonNode again = EventJson.read(push(token, body).body());
        assertThat(again.get("published").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(8);
    }

    @Test
    void aHealthAutoExportBodyIsReadAsTheAppsAggregates() throws Exception {
        String token = token("ios-ben");
        String body = Files.readString(FIXTURES.resolve("push-health-auto-export.json"));
        JsonNode answer = EventJson.read(push(token, body).body());
        assertThat(answer.get("format").asText()).isEqualTo("health-auto-export");
        assertThat(answer.get("rejected")).isEmpty();
        assertThat(answer.get("published").asInt()).isEqualTo(11);
        assertThat(events("ios-ben", "body_weight").get(0).at("/event/data/value/value").decimalValue())
                .isEqualByComparingTo("69.1");
        assertThat(events("ios-ben", "blood_glucose").get(0).at("/event/data/value/value").decimalValue())
                .isEqualByComparingTo("97.284");
        JsonNode sleep = events("ios-ben", "sleep_session").get(0);
        assertThat(sleep.at("/event/data/duration/value").asInt()).isEqualTo(18108 + 4968 + 3888);
        JsonNode hr = events("ios-ben", "heart_rate");
        assertThat(hr).extracting(e -> e.at("/event/data/max").asInt()).containsExactlyInAnyOrder(104, 163);

        // the app sends the 17:00 period again with a grown total: a new version of that event, not a second one
        String grown = body.replace("\"qty\": 990", "\"qty\": 1250");
        JsonNode revised = EventJson.read(push(token, grown).body());
        assertThat(revised.get("published").asInt()).isEqualTo(1);
        // consumers upsert on data.key: the grown total replaces the first, it is not added to it
        Map<String, Integer> byKey = new HashMap<>();
        Map<Integer, String> keyOf = new HashMap<>();
        for (JsonNode e : events("ios-ben", "steps")) {
            keyOf.put(e.at("/event/data/value/value").asInt(), e.at("/event/data/key").asText());
            byKey.merge(e.at("/event/data/key").asText(), 1, Integer::sum);
        }
        assertThat(byKey).hasSize(3);
        assertThat(keyOf.get(1250)).isEqualTo(keyOf.get(990));

        // its nutrition metrics are the day's dietary samples: energy as a value, the macronutrients in grams
        JsonNode food = EventJson.read(push(token, """
                {"data": {"metrics": [
                  {"name": "dietary_energy", "units": "kJ", "data": [
                    {"date": "2025-01-14 12:00:00 +0100", "qty": 2686.1, "source": "MyFitnessPal"}]},
                  {"name": "carbohydrates", "units": "g", "data": [
                    {"date": "2025-01-14 12:00:00 +0100", "qty": 71.2, "source": "MyFitnessPal"}]}]}}
                """).body());
        assertThat(food.get("published").asInt()).as(food.toString()).isEqualTo(2);
        JsonNode nutrition = events("ios-ben", "nutrition");
        assertThat(nutrition).hasSize(2);
        assertThat(nutrition).extracting(e -> e.at("/event/data/value/value").asText("-") + " "
                                              + e.at("/event/data/nutrients/total_carbohydrate/value").asText("-"))
                .containsExactlyInAnyOrder("641.993 -", "- 71.2");
    }

    @Test
    void onlyADeviceTokenWritesAndOnlyForItsUser_AndAnUnknownShapeIsRefused() throws Exception {
        String body = Files.readString(FIXTURES.resolve("push-open-wearables-sync.json"));
        assertThat(push(null, body).statusCode()).isEqualTo(401);
        assertThat(push("hbd_not-a-token", body).statusCode()).isEqualTo(401);
        String token = token("ios-cy");
        assertThat(push(token, "{\"data\":{\"foo\":[]}}").statusCode()).isEqualTo(400);
        HttpResponse<String> android = push(token, body.replace("\"provider\": \"apple\"", "\"provider\": \"samsung\""));
        assertThat(android.statusCode()).isEqualTo(400);
        assertThat(android.body()).contains("/ingest/health-connect");
        // the token of ios-cy writes ios-cy's data, whoever the body claims to be
        int claimedBefore = hb.getJson("/api/v1/events?user=ios-eve&limit=500").get("events").size();
        assertThat(push(token, body.replace("\"sdkVersion\"", "\"user_id\": \"ios-eve\", \"sdkVersion\""))
                .statusCode()).isEqualTo(202);
        assertThat(events("ios-cy", "steps")).hasSize(2);
        assertThat(hb.getJson("/api/v1/events?user=ios-eve&limit=500").get("events")).hasSize(claimedBefore);
    }
}
