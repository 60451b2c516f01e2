package io.healthbridge.delivery.websocket;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client whose send buffer is full is closed with 4000 and a reason; the other clients keep receiving. Once over real
 * Vert.x sockets on loopback (the batched Netty path), once with stand-ins recording what the hub does with a socket
 * that is not Vert.x's own (Vert.x reports {@code writeQueueFull}).
 */
class SlowClientTest {

    /** A socket stand-in: records frames and close, reports a full queue when told. */
    static final class FakeSocket {
        final List<String> frames = new CopyOnWriteArrayList<>();
        final AtomicBoolean full = new AtomicBoolean();
        volatile Short closeCode;
        volatile String closeReason;

        ServerWebSocket proxy() {
            return (ServerWebSocket) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ServerWebSocket.class },
                    (p, m, args) -> switch (m.getName()) {
                        case "isClosed" -> closeCode != null;
                        case "writeQueueFull" -> full.get();
                        case "writeTextMessage" -> {
                            frames.add((String) args[0]);
                            yield null;
                        }
                        case "close" -> {
                            if (args != null && args.length >= 2) {
                                closeCode = (Short) args[0];
                                closeReason = (String) args[1];
                            }
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == args[0];
                        case "toString" -> "FakeSocket";
                        default -> m.getReturnType() == boolean.class ? false
                                : m.getReturnType().isPrimitive() ? 0
                                : m.getReturnType().isInstance(p) ? p : null;
                    });
        }
    }

    static CanonicalEvent event(String user, int bpm) {
        MappingContext ctx = new MappingContext("oura", user, null, Instant.now(), null);
        EventBuilder b = EventBuilder.of(DataType.RESTING_HEART_RATE, ctx);
        return b.at(OffsetDateTime.parse("2026-11-20T07:00:00+01:00")).value(bpm, "/min").build();
    }

    @Test
    void overRealSocketsTheStalledClientIsClosedAndTheOtherGetsEveryEventInOrder() throws Exception {
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebSocketHub hub = new WebSocketHub(null, null, meters, 16 * 1024, 30_000);
        try {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setSendBufferSize(8192))
                    .webSocketHandler(ws -> {
                        WebSocketClient c = hub.add(ws);
                        ws.textMessageHandler(text -> hub.onMessage(c, text));
                    }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(8192));
            List<String> fastFrames = new CopyOnWriteArrayList<>();
            AtomicInteger slowFrames = new AtomicInteger();
            CountDownLatch subscribed = new CountDownLatch(2);
            WebSocket fast = connect(http, server.actualPort(), text -> {
                if (text.contains("healthbridge.ws.subscribed")) {
                    subscribed.countDown();
                } else if (text.contains("specversion")) {
                    fastFrames.add(text);
                }
            });
            WebSocket slow = connect(http, server.actualPort(), text -> {
                if (text.contains("healthbridge.ws.subscribed")) {
                    subscribed.countDown();
                } else {
                    slowFrames.incrementAndGet();
                }
            });
            fast.writeTextMessage("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
            slow.writeTextMessage("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.clientCount() == 2);
            slow.pause(); // stops reading: its socket buffers fill, then the server's send buffer

            int sent = 0;
            while (meters.counter("healthbridge.websocket.slow.closed").count() == 0 && sent < 100_000) {
                hub.onEvent(event("u1", sent++));
                if (sent % 20 == 0) {
                    // the fast client keeps up with bursts smaller than its buffer (16 KB, about 30 events)
                    int target = sent;
                    await().atMost(Duration.ofSeconds(10)).until(() -> fastFrames.size() == target);
                }
            }
            int total = sent;
            assertThat(meters.counter("healthbridge.websocket.slow.closed").count()).isEqualTo(1.0);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fastFrames).hasSize(total));
            // every event once, in publish order
            for (int i = 0; i < total; i++) {
                assertThat(fastFrames.get(i)).contains("\"value\":" + i + ",");
            }
            assertThat(slowFrames.get()).isLessThan(total);
            slow.resume(); // reads what is left and the server's close, so both sides can shut down
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBurstLargerThanTheBufferIsHandedToTheSocketBeforeTheClientIsJudged() throws Exception {
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WebSocketHub hub = new WebSocketHub(null, null, meters, 16 * 1024, 30_000);
        try {
            java.util.concurrent.atomic.AtomicReference<io.netty.util.concurrent.EventExecutor> loop =
                    new java.util.concurrent.atomic.AtomicReference<>();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                    .webSocketHandler(ws -> {
                        WebSocketClient c = hub.add(ws);
                        loop.set(((io.vertx.core.http.impl.WebSocketInternal) ws).channelHandlerContext().executor());
                        ws.textMessageHandler(text -> hub.onMessage(c, text));
                    }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = vertx.createHttpClient();
            List<String> frames = new CopyOnWriteArrayList<>();
            CountDownLatch subscribed = new CountDownLatch(1);
            WebSocket ws = connect(http, server.actualPort(), text -> {
                if (text.contains("healthbridge.ws.subscribed")) {
                    subscribed.countDown();
                } else if (text.contains("specversion")) {
                    frames.add(text);
                }
            });
            ws.writeTextMessage("{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();

            // the client's event loop is busy while 100 events (about 40 KB, over the 16 KB buffer) are handed to it,
            // so they are all written before the flush queued behind the first: a healthy client, not a slow one
            CountDownLatch busy = new CountDownLatch(1);
            loop.get().execute(() -> {
                try {
                    busy.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 100; i++) {
                hub.onEvent(event("u1", i));
            }
            busy.countDown();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(frames).hasSize(100));
            assertThat(meters.counter("healthbridge.websocket.slow.closed").count()).isZero();
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    static WebSocket connect(HttpClient http, int port, java.util.function.Consumer<String> frames) throws Exception {
        WebSocket ws = http.webSocket(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(frames::accept);
        return ws;
    }

    @Test
    void aClientWithAFullBufferIsClosedAndTheOthersKeepReceiving() {
        WebSocketHub hub = new WebSocketHub(null, null, new SimpleMeterRegistry(), 1024, 30_000);
        FakeSocket slow = new FakeSocket();
        FakeSocket fast = new FakeSocket();
        WebSocketClient s = hub.add(slow.proxy());
        WebSocketClient f = hub.add(fast.proxy());
        hub.onMessage(s, "{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");
        hub.onMessage(f, "{\"action\":\"subscribe\",\"types\":[\"health.*\"]}");

        hub.onEvent(event("u1", 55));
        assertThat(slow.frames).hasSize(2); // subscribed + event
        slow.full.set(true);
        hub.onEvent(event("u1", 56));
        hub.onEvent(event("u1", 57));

        assertThat(slow.closeCode).isEqualTo(WebSocketHub.SLOW_CLIENT);
        assertThat(slow.closeReason).contains("slow consumer");
        assertThat(slow.frames).hasSize(2);
        assertThat(fast.frames).hasSize(4);
        assertThat(fast.closeCode).isNull();
    }
}
