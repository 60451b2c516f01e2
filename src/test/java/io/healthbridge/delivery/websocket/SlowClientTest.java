package io.healthbridge.delivery.websocket;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client whose send buffer is full (Vert.x reports {@code writeQueueFull}) is closed with 4000 and a reason; the
 * other clients keep receiving. The sockets are stand-ins recording what the hub does with them.
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
    void aClientWithAFullBufferIsClosedAndTheOthersKeepReceiving() {
        WebSocketHub hub = new WebSocketHub(null, null, new SimpleMeterRegistry(), 1024, 30_000);
        FakeSocket slow = new FakeSocket();
        FakeSocket fast = new FakeSocket();
        WebSocketHub.Client s = hub.add(slow.proxy());
        WebSocketHub.Client f = hub.add(fast.proxy());
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
