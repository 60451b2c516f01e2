package io.healthbridge.delivery.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.Routes;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The WebSocket stream: authenticated, filtered per client, resumable, robust to bad messages and route reloads. */
class WebSocketStreamTest {

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

    /** A client collecting every text frame. */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(EventJson.read(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        List<JsonNode> events() {
            return frames.stream().filter(f -> f.has("specversion")).toList();
        }

        boolean has(String controlType) {
            return frames.stream().anyMatch(f -> controlType.equals(f.path("type").asText()) && !f.has("specversion"));
        }

        void send(String json) {
            ws.sendText(json, true).join();
        }
    }

    static Client connect(String query, boolean withKey) {
        Client c = new Client();
        var b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (withKey) {
            b.header("Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY);
        }
        c.ws = b.buildAsync(URI.create("ws://127.0.0.1:" + hb.port() + "/ws/events" + query), c).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.has("healthbridge.ws.connected"));
        return c;
    }

    static void publish(String dataset, String user) throws Exception {
        String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/" + dataset + ".json"));
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, dataset,
                HealthbridgeHeaders.USER_ID, user));
    }

    @Test
    void withoutAKeyTheUpgradeIsRefused() {
        assertThatThrownBy(() -> connect("", false)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
        Client viaQuery = connect("?api_key=" + RunningHealthbridge.ADMIN_KEY, false);
        assertThat(viaQuery.has("healthbridge.ws.connected")).isTrue();
        viaQuery.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    @Test
    void eachClientReceivesOnlyItsFilteredEvents() throws Exception {
        Client sleepOfA = connect("", true);
        sleepOfA.send("{\"action\":\"subscribe\",\"types\":[\"health.sleep_*\"],\"users\":[\"ws-a\"]}");
        Client everything = connect("", true);
        everything.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
        await().until(() -> sleepOfA.has("healthbridge.ws.subscribed") && everything.has("healthbridge.ws.subscribed"));
        // live events reach the runtime's own sockets through Netty in batches, not one Vert.x write per client
        WebSocketHub hub = hb.runtime().context().getRegistry().lookupByNameAndType("webSocketHub", WebSocketHub.class);
        assertThat(hub.batchedClientCount()).isGreaterThanOrEqualTo(2).isEqualTo(hub.clientCount());

        publish("sleep", "ws-a");
        publish("sleep", "ws-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> everything.events().size() == 8);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> everything.events().size() == 8);
        assertThat(sleepOfA.events()).hasSize(1);
        assertThat(sleepOfA.events().get(0).get("type").asText()).isEqualTo("health.sleep_session");
        assertThat(sleepOfA.events().get(0).get("subject").asText()).isEqualTo("ws-a");
    }

    @Test
    void reconciledResultsReachOnlyTheClientsThatNameThem() throws Exception {
        Client oneTruth = connect("", true);
        oneTruth.send("{\"action\":\"subscribe\",\"types\":[\"reconciled:health.*\"],\"users\":[\"ws-one\"]}");
        Client sources = connect("", true);
        sources.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"ws-one\"]}");
        await().until(() -> oneTruth.has("healthbridge.ws.subscribed") && sources.has("healthbridge.ws.subscribed"));
        publish("sleep", "ws-one");
        // the night's session (and its HRV, respiration, SpO2) from Oura; the reconciler adds the night's main sleep
        await().atMost(Duration.ofSeconds(15)).until(() -> !oneTruth.events().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> sources.events().size() == 4);
        assertThat(oneTruth.events()).allMatch(e -> e.get("source").asText().equals("healthbridge/reconciled"))
                .anyMatch(e -> e.get("type").asText().equals("health.sleep_session"));
        assertThat(sources.events()).noneMatch(e -> e.get("source").asText().equals("healthbridge/reconciled"));
    }

    @Test
    void aResumedClientMissesNothing() throws Exception {
        Client first = connect("", true);
        first.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"ws-r\"]}");
        await().until(() -> first.has("healthbridge.ws.subscribed"));
        publish("workout", "ws-r");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.events().size() == 1);
        String lastSeen = first.events().get(0).get("id").asText();
        first.ws.sendClose(WebSocket.NORMAL_CLOSURE, "going offline").join();

        publish("sleep", "ws-r");          // missed while offline: 4 events
        publish("daily_activity", "ws-r"); // missed: 1 event
        Client again = connect("", true);
        again.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"ws-r\"]}");
        again.send("{\"action\":\"resume\",\"after\":\"" + lastSeen + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> again.has("healthbridge.ws.resumed"));
        assertThat(again.events()).hasSize(5);
        publish("daily_spo2", "ws-r");     // live again
        await().atMost(Duration.ofSeconds(10)).until(() -> again.events().size() == 6);
        assertThat(again.events().stream().map(e -> e.get("id").asText()).distinct().count()).isEqualTo(6);
    }

    @Test
    void aResumeAfterAGapSendsNoEventTwice() throws Exception {
        Client first = connect("", true);
        first.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"ws-g\"]}");
        await().until(() -> first.has("healthbridge.ws.subscribed"));
        publish("workout", "ws-g");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.events().size() == 1);
        String lastSeen = first.events().get(0).get("id").asText();
        first.ws.sendClose(WebSocket.NORMAL_CLOSURE, "going offline").join();
        publish("daily_activity", "ws-g"); // missed while offline: 1 event, to be replayed

        Client again = connect("", true);
        again.send("{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"ws-g\"]}");
        await().until(() -> again.has("healthbridge.ws.subscribed"));
        publish("sleep", "ws-g"); // live between subscribe and resume: 4 events
        await().atMost(Duration.ofSeconds(10)).until(() -> again.events().size() == 4);
        Thread.sleep(300); // the gap a real client leaves between its two messages
        again.send("{\"action\":\"resume\",\"after\":\"" + lastSeen + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> again.has("healthbridge.ws.resumed"));
        JsonNode resumed = again.frames.stream().filter(f -> "healthbridge.ws.resumed".equals(f.path("type").asText()))
                .findFirst().orElseThrow();
        assertThat(resumed.path("replayed").asInt(-1)).isEqualTo(1);
        publish("daily_spo2", "ws-g"); // live again
        await().atMost(Duration.ofSeconds(10)).until(() -> again.events().size() >= 6);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> again.events().size() == 6);
        List<String> ids = again.events().stream().map(e -> e.get("id").asText()).toList();
        assertThat(ids).hasSize(6).doesNotHaveDuplicates();
    }

    @Test
    void malformedMessagesGetAnErrorFrameNotADrop() throws Exception {
        Client c = connect("", true);
        c.send("this is not json");
        c.send("{\"action\":\"dance\"}");
        await().until(() -> c.frames.stream().filter(f -> "healthbridge.ws.error".equals(f.path("type").asText())).count() == 2);
        c.send("{\"action\":\"subscribe\",\"types\":[\"health.oxygen_saturation\"],\"users\":[\"ws-m\"]}");
        await().until(() -> c.has("healthbridge.ws.subscribed"));
        publish("daily_spo2", "ws-m");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.events().size() == 1);
    }

    @Test
    void clientsStayConnectedWhenRouteFilesReload() throws Exception {
        Client c = connect("", true);
        c.send("{\"action\":\"subscribe\",\"types\":[\"health.workout\"],\"users\":[\"ws-z\"]}");
        await().until(() -> c.has("healthbridge.ws.subscribed"));
        hb.writeRoute("reload-me.camel.yaml", Routes.yamlConstant("reload-me", "/reload-me", "v1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> "v1".equals(hb.bodyOrNull("/reload-me")));
        hb.writeRoute("reload-me.camel.yaml", Routes.yamlConstant("reload-me", "/reload-me", "v2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(hb.bodyOrNull("/reload-me")));
        publish("workout", "ws-z");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.events().size() == 1);
        assertThat(c.ws.isInputClosed()).isFalse();
    }
}
