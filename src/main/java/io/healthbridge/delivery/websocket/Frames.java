package io.healthbridge.delivery.websocket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text frames to one client through Vert.x: events, replayed events (paced by the client), control messages and
 * errors. A client whose send buffer is full is closed with {@link WebSocketHub#SLOW_CLIENT}; nobody waits for it.
 */
class Frames {

    private static final Logger LOG = LoggerFactory.getLogger(Frames.class);
    /** How long a replay waits for a full send buffer to drain before the client is closed as too slow. */
    static final long REPLAY_WAIT_MS = 30_000;

    private final MeterRegistry meters;
    private final Counter frames;
    private final int maxBufferBytes;

    Frames(MeterRegistry meters, int maxBufferBytes) {
        this.meters = meters;
        this.frames = meters.counter("healthbridge.websocket.frames");
        this.maxBufferBytes = maxBufferBytes;
    }

    /** The frames counter, shared with the event loops' writers. */
    Counter counter() {
        return frames;
    }

    /** Writes a frame; a client whose buffer is full is closed and false returned. */
    boolean write(WebSocketClient c, String json) {
        if (c.dropped || c.ws.isClosed()) {
            return false;
        }
        if (c.ws.writeQueueFull()) {
            closeSlow(c);
            return false;
        }
        c.ws.writeTextMessage(json);
        frames.increment();
        return true;
    }

    /**
     * Writes a replayed event, waiting while the client's send buffer is full (a replay is the client's own request:
     * it is paced by the client, not judged slow); gives up after {@link #REPLAY_WAIT_MS} without progress.
     */
    boolean writeReplayed(WebSocketClient c, String json) {
        long waited = 0;
        while (c.ws.writeQueueFull() && !c.dropped && !c.ws.isClosed()) {
            if (waited >= REPLAY_WAIT_MS) {
                closeSlow(c);
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            waited += 5;
        }
        return write(c, json);
    }

    void closeSlow(WebSocketClient c) {
        if (c.dropped) {
            return;
        }
        c.dropped = true;
        LOG.warn("WebSocket client {} too slow: send buffer of {} bytes full, closing", c.ws.remoteAddress(),
                maxBufferBytes);
        meters.counter("healthbridge.websocket.slow.closed").increment();
        c.ws.close(WebSocketHub.SLOW_CLIENT, "slow consumer: send buffer full");
    }

    void control(WebSocketClient c, String type, ObjectNode body) {
        body.put("type", type);
        write(c, EventJson.write(body));
    }

    void error(WebSocketClient c, String message) {
        control(c, "healthbridge.ws.error", EventJson.object().put("message", message));
    }

}
