package io.healthbridge.admin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An admin traces one route's messages on demand; what leaves the process is masked: no health value, no secret. */
class MessageTraceTest {

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

    static HttpResponse<String> post(String path, String body) throws Exception {
        return hb.send(HttpRequest.newBuilder(hb.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void aTracedIngestShowsItsStepsWithEveryHealthValueAndSecretMasked() throws Exception {
        HttpResponse<String> started = post("/api/v1/routes/event-ingest/trace", "{\"minutes\": 2, \"max_messages\": 50}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode session = EventJson.read(started.body());
        assertThat(session.get("route_id").asText()).isEqualTo("event-ingest");
        assertThat(session.get("active").asBoolean()).isTrue();

        String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/heartrate.json"));
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "heartrate",
                HealthbridgeHeaders.USER_ID, "traced-user", "Authorization", "Bearer secret-token-4411"));

        JsonNode trace = await().atMost(Duration.ofSeconds(10)).until(() -> hb.getJson("/api/v1/traces"),
                t -> t.get("messages").size() > 0);
        String text = trace.toString();
        JsonNode first = trace.get("messages").get(0);
        assertThat(first.get("routeId").asText()).isEqualTo("event-ingest");
        assertThat(first.get("headers").get(HealthbridgeHeaders.PROVIDER).asText()).isEqualTo("oura");
        assertThat(first.get("headers").get("Authorization").asText()).isEqualTo(TraceMasking.MASK);
        assertThat(first.get("body").has("data")).as("the body keeps its shape").isTrue();
        // the payload's heart rates, its user and the token are nowhere in what left the process
        for (JsonNode r : EventJson.read(payload).get("data")) {
            if (r.has("bpm")) {
                assertThat(text).doesNotContain("\"bpm\":" + r.get("bpm").asText())
                        .doesNotContain(":" + r.get("bpm").asText() + ",");
            }
        }
        assertThat(text).doesNotContain("secret-token-4411").doesNotContain("traced-user");

        // a viewer may not read traces; an admin ends the trace and its messages go
        HttpResponse<String> key = post("/api/v1/keys", "{\"name\":\"watcher\",\"scopes\":[\"read\"]}");
        String viewer = EventJson.read(key.body()).get("key").asText();
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/traces")).header("Authorization", "Bearer " + viewer))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> ended = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/traces")).DELETE());
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(EventJson.read(ended.body()).get("messages")).isEmpty();
        assertThat(EventJson.read(ended.body()).get("active").asBoolean()).isFalse();
    }

    @Test
    void aTraceNeedsAnExistingRouteAndBoundedLimits() throws Exception {
        assertThat(post("/api/v1/routes/no-such-route/trace", "{}").statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/routes/event-ingest/trace", "{\"minutes\": 600}").statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/routes/event-ingest/trace", "{\"max_messages\": 100000}").statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/routes/event-ingest/trace", "not json").statusCode()).isEqualTo(400);
    }
}
