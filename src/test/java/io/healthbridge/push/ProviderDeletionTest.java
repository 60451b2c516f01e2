package io.healthbridge.push;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.event.EventJson;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deletion pushed by each provider that sends one (Oura {@code event_type: delete}, WHOOP {@code *.deleted}, Strava
 * {@code aspect_type: delete}) becomes a tombstone per deleted measurement: it reaches a webhook receiver and a
 * WebSocket client, and the deleted events are gone from reads.
 */
class ProviderDeletionTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static HttpServer receiver;
    static final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    static final List<JsonNode> streamed = new CopyOnWriteArrayList<>();
    static WebSocket ws;
    static final String SECRET = "healthbridge-sim-secret";
    static final String STRAVA_CREATE = "{\"object_type\":\"activity\",\"object_id\":1,\"aspect_type\":\"create\","
                                        + "\"owner_id\":\"dana\",\"subscription_id\":120475,\"event_time\":1}";

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/hook", ex -> {
            delivered.add(EventJson.read(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Properties p = SimulatedProviders.settings("dana");
        p.setProperty("healthbridge.push.poll-interval-ms", "200");
        p.setProperty("healthbridge.providers.strava.webhook.subscription-id", "120475");
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        hb = RunningHealthbridge.start(work, p);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\","
                + "\"event_types\":[\"health.deleted\"]}"))).statusCode()).isEqualTo(201);
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + hb.port() + "/ws/events"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            streamed.add(EventJson.read(partial.toString()));
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).join();
        ws.sendText("{\"action\":\"subscribe\",\"types\":[\"health.deleted\"],\"users\":[\"dana\"]}", true).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> streamed.stream()
                .anyMatch(f -> "healthbridge.ws.subscribed".equals(f.path("type").asText())));
    }

    @AfterAll
    static void stop() {
        ws.abort();
        hb.close();
        receiver.stop(0);
    }

    /** The user's stored events of a provider and type that came from a record. */
    static List<JsonNode> events(String provider, String type) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = hb.getJson("/api/v1/events?user=dana&limit=500&provider=" + provider + "&type=" + type
                                       + "&after_seq=" + after);
            page.get("events").forEach(e -> out.add(e.get("event")));
            if (page.get("events").size() < 500) {
                return out;
            }
            after = page.get("next_after_seq").asLong();
        }
    }

    /** A stored event of that provider and type with a record id, once the first sync has brought one. */
    static JsonNode someEvent(String provider, String type) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode e : events(provider, type)) {
                if (e.at("/data/provenance/source_record_id").isTextual()) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static HttpRequest.Builder oura(String body) {
        long ts = Instant.now().getEpochSecond();
        String sig = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac(SECRET,
                (ts + body).getBytes(StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(hb.uri("/providers/oura/webhook")).header("x-oura-timestamp", String.valueOf(ts))
                .header("x-oura-signature", sig).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpRequest.Builder whoop(String body) {
        String ts = String.valueOf(System.currentTimeMillis());
        String sig = Base64.getEncoder().encodeToString(PushSignatures.hmac(SECRET,
                (ts + body).getBytes(StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(hb.uri("/providers/whoop/webhook")).header("X-WHOOP-Signature", sig)
                .header("X-WHOOP-Signature-Timestamp", ts).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpRequest.Builder strava(String body) {
        return HttpRequest.newBuilder(hb.uri("/providers/strava/webhook")).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** A notification that makes the runtime fetch what is new (no poll routes run here). */
    static void fetch(HttpRequest.Builder notification) throws Exception {
        HttpResponse<String> r = hb.send(notification);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static String record(JsonNode event) {
        return event.at("/data/provenance/source_record_id").asText();
    }

    /** Sends the deletion, then checks the tombstone everywhere and the events gone from reads. */
    static void deletedEverywhere(String provider, String record, List<String> types, HttpRequest.Builder deletion)
            throws Exception {
        List<JsonNode> fromRecord = new ArrayList<>();
        for (String type : types) {
            events(provider, type).stream().filter(e -> record.equals(record(e))).forEach(fromRecord::add);
        }
        assertThat(fromRecord).isNotEmpty();
        HttpResponse<String> answer = hb.send(deletion);
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202);
        assertThat(answer.body()).contains("accepted");

        for (JsonNode gone : fromRecord) {
            String key = gone.at("/data/key").asText();
            String id = gone.get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> tombstoneOf(events(provider, "health.deleted"), key,
                    id) != null);
            JsonNode t = tombstoneOf(events(provider, "health.deleted"), key, id);
            assertThat(t.at("/data/deleted/type").asText()).isEqualTo(gone.get("type").asText());
            assertThat(t.at("/data/reason").asText()).isEqualTo("deleted_at_provider");
            assertThat(t.get("subject").asText()).isEqualTo("dana");
            assertThat(hb.get("/api/v1/events/" + id).statusCode()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(20)).until(() -> tombstoneOf(delivered, key, id) != null
                                                               && tombstoneOf(streamed, key, id) != null);
        }
        for (String type : types) {
            assertThat(events(provider, type)).noneMatch(e -> record.equals(record(e)));
        }
    }

    static JsonNode tombstoneOf(List<JsonNode> events, String key, String id) {
        for (JsonNode e : events) {
            if ("health.deleted".equals(e.path("type").asText()) && key.equals(e.at("/data/key").asText())) {
                for (JsonNode i : e.at("/data/deleted/ids")) {
                    if (id.equals(i.asText())) {
                        return e;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void anOuraSleepDeletedAtOuraIsATombstoneForEachEventMadeFromIt() throws Exception {
        fetch(oura("{\"event_type\":\"create\",\"data_type\":\"sleep\",\"object_id\":\"o-1\",\"user_id\":\"dana\"}"));
        String record = record(someEvent("oura", "health.sleep_session"));
        deletedEverywhere("oura", record, List.of("health.sleep_session", "health.heart_rate_variability",
                "health.respiratory_rate", "health.heart_rate"), oura("{\"event_type\":\"delete\",\"data_type\":"
                + "\"sleep\",\"object_id\":\"" + record + "\",\"user_id\":\"dana\",\"event_time\":\"" + Instant.now()
                + "\"}"));
        // the other sleeps of the user are untouched
        assertThat(events("oura", "health.sleep_session")).isNotEmpty();
    }

    @Test
    void aHealthConnectDeletionChangeIsATombstone() throws Exception {
        HttpResponse<String> issued = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/dana/device-tokens"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        String token = EventJson.read(issued.body()).get("token").asText();
        String batch = java.nio.file.Files.readString(java.nio.file.Path.of(
                "src/test/resources/fixtures/health-connect/batch.json"));
        assertThat(hb.send(healthConnect(token, batch)).statusCode()).isEqualTo(202);
        // the night's sleep session; a DeletionChange carries its record id and nothing else
        String record = "5eed0000-0000-0000-0000-000000000008";
        deletedEverywhere("health_connect", record, List.of("health.sleep_session"), healthConnect(token,
                "{\"format\":\"health-connect-ingest\",\"formatVersion\":\"0.1\",\"batchId\":\"del-1\","
                + "\"deletions\":[{\"recordId\":\"" + record + "\",\"recordType\":null}]}"));
        assertThat(events("health_connect", "health.steps")).hasSize(4);
    }

    static HttpRequest.Builder healthConnect(String token, String body) {
        return HttpRequest.newBuilder(hb.uri("/ingest/health-connect")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void aWhoopWorkoutDeletedAtWhoopIsATombstone() throws Exception {
        fetch(whoop("{\"user_id\":\"dana\",\"id\":\"w-0\",\"type\":\"workout.updated\",\"trace_id\":\"u\"}"));
        String record = record(someEvent("whoop", "health.workout"));
        deletedEverywhere("whoop", record, List.of("health.workout"), whoop("{\"user_id\":\"dana\",\"id\":\"" + record
                + "\",\"type\":\"workout.deleted\",\"trace_id\":\"t\"}"));
    }

    @Test
    void aWhoopRecoveryDeletedTakesItsMeasurementsButNotTheSleepOfTheSameId() throws Exception {
        fetch(whoop("{\"user_id\":\"dana\",\"id\":\"r-0\",\"type\":\"recovery.updated\",\"trace_id\":\"v\"}"));
        fetch(whoop("{\"user_id\":\"dana\",\"id\":\"s-0\",\"type\":\"sleep.updated\",\"trace_id\":\"w\"}"));
        String record = record(someEvent("whoop", "health.heart_rate_variability"));
        someEvent("whoop", "health.sleep_session");
        int sleepsOfRecord = (int) events("whoop", "health.sleep_session").stream()
                .filter(e -> record.equals(record(e))).count();
        deletedEverywhere("whoop", record, List.of("health.heart_rate_variability", "health.resting_heart_rate",
                "health.oxygen_saturation"), whoop("{\"user_id\":\"dana\",\"id\":\"" + record
                + "\",\"type\":\"recovery.deleted\",\"trace_id\":\"r\"}"));
        assertThat(events("whoop", "health.sleep_session").stream().filter(e -> record.equals(record(e))).count())
                .isEqualTo(sleepsOfRecord);
    }

    @Test
    void aStravaActivityDeletedAtStravaIsATombstone() throws Exception {
        fetch(strava(STRAVA_CREATE));
        String record = record(someEvent("strava", "health.workout"));
        String body = "{\"object_type\":\"activity\",\"object_id\":" + record + ",\"aspect_type\":\"delete\","
                      + "\"owner_id\":\"dana\",\"subscription_id\":120475,\"event_time\":1}";
        deletedEverywhere("strava", record, List.of("health.workout"), strava(body));
    }

    @Test
    void aDeletionOfSomethingNeverStoredIsAcceptedAndMakesNoTombstone() throws Exception {
        fetch(strava(STRAVA_CREATE.replace("\"event_time\":1", "\"event_time\":3")));
        someEvent("strava", "health.workout");
        int before = events("strava", "health.deleted").size();
        String body = "{\"object_type\":\"activity\",\"object_id\":987654321,\"aspect_type\":\"delete\","
                      + "\"owner_id\":\"dana\",\"subscription_id\":120475,\"event_time\":2}";
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/providers/strava/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).isEqualTo(200);
        PushInbox inbox = hb.runtime().context().getRegistry().lookupByNameAndType("pushInbox", PushInbox.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox.count("pending") + inbox.count("processing") == 0);
        assertThat(events("strava", "health.deleted")).hasSize(before);
    }
}
