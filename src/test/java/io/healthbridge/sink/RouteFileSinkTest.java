package io.healthbridge.sink;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Destinations as route files: {@code healthbridge-events:<sink id>} reads the canonical events durably from the
 * outbox, so any Camel component becomes a destination. An NDJSON file sink (the file component) against the store's
 * own events: every new event within a second, its cursor kept across a reload, a broken destination retried alone.
 */
class RouteFileSinkTest {

    @TempDir
    static Path work;
    @TempDir
    static Path out;
    static RunningHealthbridge hb;
    static HttpServer receiver;
    static final List<JsonNode> webhooks = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/hook", ex -> {
            webhooks.add(EventJson.read(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        Properties p = new Properties();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        hb = RunningHealthbridge.start(work, p);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest.BodyPublishers
                .ofString("{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\",\"event_types\":"
                          + "[\"health.*\"],\"user_ids\":[\"sink-c\"]}"))).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        hb.close();
        receiver.stop(0);
    }

    /** A sink writing each event of the users as one line of a file per day, in {@code dir}. */
    static String fileSink(String id, String users, Path dir) {
        return """
                - route:
                    id: %s-route
                    from:
                      uri: healthbridge-events:%s
                      parameters:
                        types: health.*
                        users: %s
                      steps:
                        - setBody:
                            simple:
                              expression: "${body}\\n"
                              trim: false
                        - to:
                            uri: file:%s
                            parameters:
                              fileName: "events-${date:now:yyyy-MM-dd}.ndjson"
                              fileExist: Append
                """.formatted(id, id, users, dir.toAbsolutePath());
    }

    static List<String> publish(String dataset, String user) throws Exception {
        String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/" + dataset + ".json"));
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, dataset,
                HealthbridgeHeaders.USER_ID, user));
        List<String> ids = new ArrayList<>();
        for (JsonNode e : hb.getJson("/api/v1/events?provider=oura&limit=500&user=" + user).get("events")) {
            ids.add(e.at("/event/id").asText());
        }
        return ids;
    }

    static List<String> lines(Path dir) throws Exception {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".ndjson")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    ids.add(EventJson.read(line).get("id").asText());
                }
            }
        }
        return ids;
    }

    static JsonNode sink(String id) throws Exception {
        for (JsonNode s : hb.getJson("/api/v1/sinks").get("sinks")) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void aFileSinkGetsEveryNewEventWithinASecondAndKeepsItsCursorAcrossAReload() throws Exception {
        Path dir = out.resolve("a");
        assertThat(hb.writeRouteAndWait("sinks/a.camel.yaml", fileSink("sink-a", "sink-a", dir)).get("result")
                .asText()).isEqualTo("ok");
        List<String> first = publish("sleep", "sink-a");
        assertThat(first).hasSize(4);
        // the events are stored when the ingest returns: the file has them within a second
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> lines(dir).size() == first.size());
        assertThat(lines(dir)).containsExactlyInAnyOrderElementsOf(first);
        long cursor = sink("sink-a").get("cursor").asLong();
        assertThat(sink("sink-a").get("running").asBoolean()).isTrue();
        assertThat(sink("sink-a").get("delivered").asLong()).isEqualTo(4);

        // the file is edited (a reload): the sink goes on from its cursor, nothing sent twice, nothing skipped
        assertThat(hb.writeRouteAndWait("sinks/a.camel.yaml", "# edited\n" + fileSink("sink-a", "sink-a", dir))
                .get("result").asText()).isEqualTo("ok");
        assertThat(sink("sink-a").get("cursor").asLong()).isGreaterThanOrEqualTo(cursor);
        List<String> all = publish("workout", "sink-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> lines(dir).size() == all.size());
        assertThat(lines(dir)).containsExactlyInAnyOrderElementsOf(all).doesNotHaveDuplicates();

        // the file removed: the sink stops, its cursor stays (and holds retention) until it is deleted
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/sinks/sink-a")).DELETE()).statusCode())
                .isEqualTo(409);
        hb.deleteRoute("sinks/a.camel.yaml");
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink("sink-a").get("running").asBoolean());
        assertThat(sink("sink-a").get("cursor").asLong()).isPositive();
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/sinks/sink-a")).DELETE()).statusCode())
                .isEqualTo(204);
        assertThat(sink("sink-a")).isNull();
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/sinks/sink-a")).DELETE()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aBrokenDestinationIsRetriedAloneAndLosesNothing() throws Exception {
        Path good = out.resolve("good");
        Path broken = out.resolve("broken");
        hb.writeRouteAndWait("sinks/good.camel.yaml", fileSink("sink-good", "sink-c", good));
        // a destination that fails every event: a file path the file component cannot write under
        Files.writeString(out.resolve("not-a-folder"), "x");
        hb.writeRouteAndWait("sinks/broken.camel.yaml", fileSink("sink-broken", "sink-c",
                out.resolve("not-a-folder").resolve("sub")));
        List<JsonNode> streamed = new CopyOnWriteArrayList<>();
        List<String> control = new CopyOnWriteArrayList<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY)
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + hb.port() + "/ws/events"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w,
                                    CharSequence data, boolean last) {
                                JsonNode f = EventJson.read(data.toString());
                                if (f.has("specversion")) {
                                    streamed.add(f);
                                } else {
                                    control.add(f.path("type").asText());
                                }
                                w.request(1);
                                return null;
                            }
                        }).join();
        ws.sendText("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"sink-c\"]}", true).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> control.contains("healthbridge.ws.subscribed"));
        List<String> ids = publish("sleep", "sink-c");
        // the other sink, the webhook and the WebSocket stream get everything while the broken one fails
        await().atMost(Duration.ofSeconds(5)).until(() -> lines(good).size() == ids.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.size() == ids.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> streamed.size() == ids.size());
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye");
        await().atMost(Duration.ofSeconds(10)).until(() -> sink("sink-broken").get("failed").asLong() >= 1);
        JsonNode failing = sink("sink-broken");
        assertThat(failing.get("delivered").asLong()).isZero();
        assertThat(failing.get("lag").asLong()).isPositive();
        assertThat(failing.get("last_error").asText()).isNotBlank();

        // the destination is fixed (the file points somewhere writable): every event arrives, none lost
        hb.writeRouteAndWait("sinks/broken.camel.yaml", fileSink("sink-broken", "sink-c", broken));
        await().atMost(Duration.ofSeconds(20)).until(() -> Set.copyOf(lines(broken)).equals(Set.copyOf(ids)));
        assertThat(lines(good)).doesNotHaveDuplicates();
    }

    @Test
    void aSinkFileThatCannotWorkIsRejectedWithTheReason() throws Exception {
        JsonNode status = hb.writeRouteAndWait("sinks/bad.camel.yaml", fileSink("sink-bad", "x", out.resolve("bad"))
                .replace("types: health.*", "types: health.*\n        format: xml"));
        assertThat(status.get("result").asText()).isNotEqualTo("ok");
        assertThat(status.toString()).contains("format is cloudevents, fhir or fhir-bundle");
        // two files may not read one sink id
        hb.writeRouteAndWait("sinks/one.camel.yaml", fileSink("sink-one", "x", out.resolve("one")));
        JsonNode twice = hb.writeRouteAndWait("sinks/two.camel.yaml", fileSink("sink-one", "y", out.resolve("two"))
                .replace("id: sink-one-route", "id: sink-two-route"));
        assertThat(twice.get("result").asText()).isNotEqualTo("ok");
        assertThat(twice.toString()).contains("already read by route");
        assertThat(sink("sink-one").get("running").asBoolean()).isTrue();
        HttpResponse<String> metrics = hb.get("/metrics");
        assertThat(metrics.body()).contains("healthbridge_sink_lag{sink=\"sink-one\"}");
    }
}
