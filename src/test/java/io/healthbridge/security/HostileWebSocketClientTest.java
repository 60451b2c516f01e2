package io.healthbridge.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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

/** A hostile WebSocket client: a filter built to backtrack, a credential revoked while its stream is open. */
class HostileWebSocketClientTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.websocket.credential-recheck-ms", "200");
        hb = RunningHealthbridge.start(work, p);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    /** A client that counts frames and remembers how it was closed. */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final AtomicInteger closeCode = new AtomicInteger();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frames.add(EventJson.read(data.toString()));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.set(statusCode);
            return null;
        }

        void send(String json) {
            ws.sendText(json, true).join();
        }

        boolean has(String type) {
            return frames.stream().anyMatch(f -> type.equals(f.path("type").asText()));
        }
    }

    static Client connect(String credential) {
        Client c = new Client();
        c.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + credential)
                .buildAsync(URI.create("ws://127.0.0.1:" + hb.port() + "/ws/events"), c).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.has("healthbridge.ws.connected"));
        return c;
    }

    static void publish(String dataset, String user) throws Exception {
        String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/" + dataset + ".json"));
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, dataset,
                HealthbridgeHeaders.USER_ID, user));
    }

    static HttpResponse<String> send(String method, String path, String credential, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(hb.uri(path)).header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json").method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFilterBuiltToBacktrackNeverHoldsTheServer() throws Exception {
        publish("sleep", "ws-h");
        String first = hb.getJson("/api/v1/events?user=ws-h&limit=1").get("events").get(0).get("event").get("id").asText();
        Client c = connect(RunningHealthbridge.ADMIN_KEY);
        String stars = "*".repeat(60);
        c.send("{\"action\":\"subscribe\",\"types\":[\"" + stars + "Z\",\"health" + stars + "!\"]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> c.has("healthbridge.ws.subscribed"));
        c.send("{\"action\":\"resume\",\"after\":\"" + first + "\"}");
        publish("workout", "ws-h"); // matched live against the hostile filter too
        int fast = 0;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(hb.uri("/health/live"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(ms).as("/health/live while a client holds a hostile filter").isLessThan(1000);
            fast += ms < 100 ? 1 : 0;
        }
        assertThat(fast).as("answers within 100 ms, of 5").isGreaterThanOrEqualTo(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.has("healthbridge.ws.resumed"));
    }

    @Test
    void aRevokedKeysStreamIsClosed() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/keys", RunningHealthbridge.ADMIN_KEY,
                "{\"name\":\"ws-reader\",\"scopes\":[\"read\"]}");
        String key = EventJson.read(created.body()).get("key").asText();
        // the answer names the key's id, to revoke it by
        String id = EventJson.read(created.body()).get("id").asText();
        Client c = connect(key);
        c.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
        await().until(() -> c.has("healthbridge.ws.subscribed"));
        assertThat(EventJson.read(send("GET", "/api/v1/keys", RunningHealthbridge.ADMIN_KEY, null).body()).get("keys")
                .findValuesAsText("id")).contains(id);
        assertThat(send("DELETE", "/api/v1/keys/" + id, RunningHealthbridge.ADMIN_KEY, null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.closeCode.get() == 4001);
    }

    @Test
    void aLoggedOutOperatorsStreamIsClosed() throws Exception {
        assertThat(send("POST", "/api/v1/operators", RunningHealthbridge.ADMIN_KEY,
                "{\"username\":\"wendy\",\"password\":\"a-long-password-9\",\"role\":\"viewer\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(hb.uri("/api/v1/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"wendy\",\"password\":\"a-long-password-9\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = EventJson.read(login.body()).get("access_token").asText();
        Client c = connect(token);
        c.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
        await().until(() -> c.has("healthbridge.ws.subscribed"));
        // a viewer may end its own session
        assertThat(send("POST", "/api/v1/auth/logout", token, "{}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.closeCode.get() == 4001);
        assertThat(send("GET", "/api/v1/events", token, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aMessageOverTheLimitIsAnsweredAndTheStreamGoesOn() throws Exception {
        Client c = connect(RunningHealthbridge.ADMIN_KEY);
        // 300 KiB in 60 KiB fragments: each frame is allowed, the message they make is not
        String part = "x".repeat(60 * 1024);
        c.ws.sendText("{\"action\":\"subscribe\",\"pad\":\"", false).join();
        for (int i = 0; i < 5; i++) {
            c.ws.sendText(part, false).join();
        }
        c.ws.sendText("\"}", true).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.frames.stream().anyMatch(f ->
                "healthbridge.ws.error".equals(f.path("type").asText())
                        && f.path("message").asText().contains("256 KiB")));
        c.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> c.has("healthbridge.ws.subscribed"));
        assertThat(c.closeCode.get()).isZero();
    }
}
