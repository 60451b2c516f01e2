package io.healthbridge.phone;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A phone app pushing Health Connect data with its user's device token: the shared sample batch end to end, sending it
 * again, a deletion, a record refused alone, and a token that writes only its own user's data.
 */
class HealthConnectIngestTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static String batch;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        batch = Files.readString(Path.of("src/test/resources/fixtures/health-connect/batch.json"));
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static JsonNode token(String user) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/device-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"Pixel 8\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return EventJson.read(r.body());
    }

    static HttpResponse<String> push(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri("/ingest/health-connect"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return hb.send(b);
    }

    static String batchOf(String records, String deletions) {
        return "{\"format\":\"health-connect-ingest\",\"formatVersion\":\"0.1-PROPOSAL\",\"batchId\":\"b-" + records.hashCode()
               + deletions.hashCode() + "\",\"records\":[" + records + "],\"deletions\":[" + deletions + "]}";
    }

    static Map<String, Integer> stepsBySource(String user) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode e : hb.getJson("/api/v1/events?user=" + user + "&type=health.steps&limit=500").get("events")) {
            out.merge(e.at("/event/data/provenance/source_app").asText(), e.at("/event/data/value/value").asInt(),
                    Integer::sum);
        }
        return out;
    }

    @Test
    void theSampleBatchIsAcceptedWhole_SentAgainItIsDuplicates() throws Exception {
        String token = token("hc-ana").get("token").asText();
        assertThat(token).startsWith("hbd_");
        HttpResponse<String> r = push(token, batch);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode answer = EventJson.read(r.body());
        assertThat(answer.get("batchId").asText()).isEqualTo(EventJson.read(batch).get("batchId").asText());
        assertThat(answer.get("accepted").asInt()).isEqualTo(24);
        assertThat(answer.get("rejected")).isEmpty();
        assertThat(answer.get("published").asInt()).isEqualTo(21);
        assertThat(answer.at("/skipped/superseded").asInt()).isEqualTo(2);
        assertThat(answer.at("/skipped/no_canonical_type").asInt()).isEqualTo(1);
        // the deletion names a record of an earlier batch this server never saw: counted, nothing else happens
        assertThat(answer.at("/deletions/unmatched").asInt()).isEqualTo(1);

        // two sources of the same half hour, kept apart; the weight written three times is version 3
        assertThat(stepsBySource("hc-ana")).isEqualTo(Map.of("com.sec.android.app.shealth", 2436,
                "com.google.android.apps.fitness", 2391));
        JsonNode weights = hb.getJson("/api/v1/events?user=hc-ana&type=health.body_weight").get("events");
        assertThat(weights).hasSize(1);
        assertThat(weights.get(0).at("/event/data/value/value").decimalValue()).isEqualByComparingTo("69.1");
        JsonNode user = hb.getJson("/api/v1/users/hc-ana");
        assertThat(user.get("device_tokens").asInt()).isEqualTo(1);
        assertThat(user.get("events").asInt()).isEqualTo(21);
        assertThat(hb.getJson("/api/v1/users?limit=500").get("users").findValuesAsText("user_id")).contains("hc-ana");

        JsonNode again = EventJson.read(push(token, batch).body());
        assertThat(again.get("published").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(21);
    }

    @Test
    void aDeletionChangeReplacesTheRecordsEventsWithATombstone() throws Exception {
        String token = token("hc-ben").get("token").asText();
        assertThat(push(token, batch).statusCode()).isEqualTo(202);
        JsonNode answer = EventJson.read(push(token, batchOf("", "{\"recordId\":\"5eed0000-0000-0000-0000-000000000001\","
                + "\"recordType\":\"StepsRecord\",\"observedAt\":\"2025-01-14T20:00:00Z\"}")).body());
        assertThat(answer.at("/deletions/applied").asInt()).isEqualTo(1);
        // a batch of deletions alone has no records to publish: nothing of it is a dead letter
        assertThat(answer.get("dead_lettered").asInt()).isZero();
        assertThat(hb.getJson("/api/v1/dead-letters?provider=health_connect&limit=500").get("dead_letters"))
                .noneMatch(d -> d.get("user_id").asText().equals("hc-ben"));
        assertThat(stepsBySource("hc-ben")).containsEntry("com.sec.android.app.shealth", 2436 - 884);
        JsonNode tombstones = hb.getJson("/api/v1/events?user=hc-ben&type=health.deleted").get("events");
        assertThat(tombstones).hasSize(1);
        assertThat(tombstones.get(0).at("/event/data/deleted/type").asText()).isEqualTo("health.steps");
    }

    @Test
    void aBadRecordIsRefusedAloneAndDeadLettered() throws Exception {
        String token = token("hc-cy").get("token").asText();
        String bad = "{\"recordType\":\"OxygenSaturationRecord\",\"metadata\":{\"id\":\"cy-1\"},\"time\":"
                     + "\"2025-01-14T03:40:00Z\",\"zoneOffset\":\"+01:00\",\"values\":{\"percentage\":{\"value\":150,"
                     + "\"unit\":\"%\"}}}";
        String good = bad.replace("cy-1", "cy-2").replace("150", "97");
        HttpResponse<String> r = push(token, batchOf(bad + "," + good, ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode answer = EventJson.read(r.body());
        assertThat(answer.get("accepted").asInt()).isEqualTo(1);
        assertThat(answer.get("rejected")).hasSize(1);
        assertThat(answer.at("/rejected/0/index").asInt()).isZero();
        assertThat(answer.at("/rejected/0/reason").asText()).contains("percentage");
        assertThat(answer.get("published").asInt()).isEqualTo(1);
        assertThat(hb.count("SELECT COUNT(*) FROM dead_letters WHERE user_id = ?", "hc-cy")).isEqualTo(1);

        // a value the mapping takes but the canonical checks refuse (SpO2 0.97 %: a fraction sent as a percentage)
        // is refused by index too, never counted as accepted
        JsonNode fraction = EventJson.read(push(token, batchOf(good.replace("cy-2", "cy-3").replace("97", "0.97"), ""))
                .body());
        assertThat(fraction.get("accepted").asInt()).isZero();
        assertThat(fraction.at("/rejected/0/index").asInt()).isZero();
        assertThat(fraction.get("dead_lettered").asInt()).isEqualTo(1);
        assertThat(fraction.get("published").asInt()).isZero();
    }

    @Test
    void onlyADeviceTokenWritesAndOnlyForItsOwnUser() throws Exception {
        JsonNode dan = token("hc-dan");
        String eve = token("hc-eve").get("token").asText();
        String record = "{\"recordType\":\"RespiratoryRateRecord\",\"metadata\":{\"id\":\"who-1\"},\"time\":"
                        + "\"2025-01-14T03:40:00Z\",\"zoneOffset\":\"+01:00\",\"values\":{\"rate\":14}}";
        assertThat(push(null, batchOf(record, "")).statusCode()).isEqualTo(401);
        assertThat(push(RunningHealthbridge.ADMIN_KEY, batchOf(record, "")).statusCode()).isEqualTo(401);
        assertThat(push("hbd_guessed", batchOf(record, "")).statusCode()).isEqualTo(401);
        // nothing in the body says whose data it is: the token does
        ObjectNode body = (ObjectNode) EventJson.read(batchOf(record, ""));
        body.put("userId", "hc-dan");
        assertThat(push(eve, EventJson.write(body)).statusCode()).isEqualTo(202);
        assertThat(hb.count("SELECT COUNT(*) FROM events WHERE subject = 'hc-eve'")).isEqualTo(1);
        assertThat(hb.count("SELECT COUNT(*) FROM events WHERE subject = 'hc-dan'")).isZero();

        // revoked, a token writes nothing more; another user's token id cannot be revoked through this user
        String path = "/api/v1/users/hc-dan/device-tokens/" + dan.get("id").asText();
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri(path.replace("hc-dan", "hc-eve"))).DELETE()).statusCode())
                .isEqualTo(404);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri(path)).DELETE()).statusCode()).isEqualTo(204);
        assertThat(push(dan.get("token").asText(), batchOf(record, "")).statusCode()).isEqualTo(401);
        JsonNode listed = hb.getJson("/api/v1/users/hc-dan/device-tokens").get("device_tokens");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("revoked_at").isNull()).isFalse();
        assertThat(listed.toString()).doesNotContain(dan.get("token").asText());
    }

    @Test
    void aMalformedBatchIsAClearErrorAndTheFormatIsPublished() throws Exception {
        String token = token("hc-fay").get("token").asText();
        assertThat(push(token, "{not json").statusCode()).isEqualTo(400);
        HttpResponse<String> wrong = push(token, "{\"format\":\"other\",\"batchId\":\"x\"}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("health-connect-ingest");
        assertThat(push(token, batchOf("", "").replace("\"records\"", "\"snapshots\":[{}],\"records\"")).statusCode())
                .isEqualTo(400);
        assertThat(push(token, batchOf("", "{\"recordType\":\"StepsRecord\"}")).statusCode()).isEqualTo(400);
        JsonNode schema = hb.getJson("/api/v1/schemas/ingest/health-connect");
        assertThat(schema.get("$id").asText()).endsWith("ingest/health-connect.json");
        assertThat(schema.at("/properties/format/const").asText()).isEqualTo("health-connect-ingest");
    }

    static String weight(String id, int version, String kg) {
        return "{\"recordType\":\"WeightRecord\",\"metadata\":{\"id\":\"" + id + "\",\"dataOrigin\":{\"packageName\":"
               + "\"com.example.scale\"},\"clientRecordVersion\":" + version + "},\"time\":\"2025-01-14T06:00:00Z\","
               + "\"zoneOffset\":\"+01:00\",\"values\":{\"weight\":{\"value\":" + kg + ",\"unit\":\"kg\"}}}";
    }

    static String steps(String id, String start, String end, int count) {
        return "{\"recordType\":\"StepsRecord\",\"metadata\":{\"id\":\"" + id + "\",\"dataOrigin\":{\"packageName\":"
               + "\"com.example.steps\"},\"clientRecordVersion\":1},\"startTime\":\"" + start + "\",\"startZoneOffset\":"
               + "\"+01:00\",\"endTime\":\"" + end + "\",\"endZoneOffset\":\"+01:00\",\"values\":{\"count\":" + count + "}}";
    }

    @Test
    void anOlderVersionArrivingInALaterBatchIsSkippedNotPublished() throws Exception {
        String token = token("hc-gus").get("token").asText();
        assertThat(EventJson.read(push(token, batchOf(weight("w-1", 5, "70.0"), "")).body()).get("published").asInt())
                .isEqualTo(1);
        JsonNode stale = EventJson.read(push(token, batchOf(weight("w-1", 4, "71.0"), "")).body());
        assertThat(stale.get("published").asInt()).isZero();
        assertThat(stale.at("/skipped/stale_version").asInt()).isEqualTo(1);
        JsonNode newer = EventJson.read(push(token, batchOf(weight("w-1", 6, "72.0"), "")).body());
        assertThat(newer.get("published").asInt()).isEqualTo(1);
        JsonNode weights = hb.getJson("/api/v1/events?user=hc-gus&type=health.body_weight").get("events");
        assertThat(weights).extracting(e -> e.at("/event/data/value/value").decimalValue().intValue())
                .containsExactlyInAnyOrder(70, 72);
        assertThat(weights).extracting(e -> e.at("/event/data/provenance/source_record_version").asInt())
                .containsExactlyInAnyOrder(5, 6);
    }

    @Test
    void aSnapshotDeletesWhatIsHeldInItsWindowAndWasNotSent() throws Exception {
        String token = token("hc-hal").get("token").asText();
        String three = steps("s-1", "2025-01-14T07:00:00Z", "2025-01-14T07:30:00Z", 500) + ","
                       + steps("s-2", "2025-01-14T08:00:00Z", "2025-01-14T08:30:00Z", 600) + ","
                       + steps("s-3", "2025-01-15T08:00:00Z", "2025-01-15T08:30:00Z", 700);
        assertThat(EventJson.read(push(token, batchOf(three, "")).body()).get("published").asInt()).isEqualTo(3);
        // the phone lost its changes token: it re-reads the 14th and sends only what is still there
        String snapshot = batchOf(steps("s-1", "2025-01-14T07:00:00Z", "2025-01-14T07:30:00Z", 500), "")
                .replace("\"records\"", "\"snapshots\":[{\"recordType\":\"StepsRecord\",\"startTime\":"
                        + "\"2025-01-14T00:00:00Z\",\"endTime\":\"2025-01-15T00:00:00Z\",\"dataOrigins\":"
                        + "[\"com.example.steps\"]}],\"records\"");
        HttpResponse<String> r = push(token, snapshot);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(EventJson.read(r.body()).at("/snapshots/deleted").asInt()).isEqualTo(1);
        assertThat(stepsBySource("hc-hal")).containsEntry("com.example.steps", 500 + 700);
        JsonNode tombstones = hb.getJson("/api/v1/events?user=hc-hal&type=health.deleted").get("events");
        assertThat(tombstones).hasSize(1);
        // a snapshot of an unknown type or a backwards window is refused whole
        assertThat(push(token, snapshot.replace("\"StepsRecord\",\"startTime", "\"FooRecord\",\"startTime"))
                .statusCode()).isEqualTo(400);
        assertThat(push(token, snapshot.replace("2025-01-15T00:00:00Z", "2025-01-13T00:00:00Z")).statusCode())
                .isEqualTo(400);
    }
}
