package io.healthbridge.sink;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** camel-vertx-websocket in a route file: a WebSocket server a device streams to, and a client that writes back. */
class WebSocketRouteFileTest {

    @TempDir
    static Path work;

    @Test
    void aRouteFileServesAndWritesWebSockets() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            // a free port chosen once the runtime holds its own ports: chosen before, it could be one of them
            int port = RunningHealthbridge.freePort();
            String route = """
                    - route:
                        id: ws-device
                        from:
                          uri: vertx-websocket:127.0.0.1:%d/device
                          steps:
                            - setBody:
                                simple: "received ${body}"
                            - to: vertx-websocket:127.0.0.1:%d/device?sendToAll=true
                    """.formatted(port, port);
            assertThat(hb.writeRouteAndWait("devices/ws.camel.yaml", route).get("result").asText()).isEqualTo("ok");
            List<String> got = new CopyOnWriteArrayList<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/device"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            got.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).join();
            ws.sendText("hr 61", true).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("received hr 61"));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
