package io.healthbridge.delivery.websocket;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.http.HttpServerOptions;

/**
 * Writes live events to the clients of one event loop, on that loop. Each event is one task for all of the loop's
 * clients; a flush is queued behind the writes, so the events that arrive while the loop is busy go out in one
 * socket write per client, and a single event goes out at once. Only the loop touches its fields.
 */
final class LoopWriter {
    private final Counter frames;
    private final Consumer<WebSocketClient> closeSlow;
    private final EventExecutor loop;
    private final Set<WebSocketClient> unflushed = new LinkedHashSet<>();
    private boolean flushQueued;

    /** @param closeSlow closes a client whose send buffer is full */
    LoopWriter(EventExecutor loop, Counter frames, Consumer<WebSocketClient> closeSlow) {
        this.loop = loop;
        this.frames = frames;
        this.closeSlow = closeSlow;
    }

    void send(List<WebSocketClient> clients, ByteBuf frame, String json) {
        frame.retain();
        try {
            loop.execute(() -> {
                try {
                    for (WebSocketClient c : clients) {
                        write(c, frame, json);
                    }
                } finally {
                    frame.release();
                }
            });
        } catch (RejectedExecutionException e) {
            frame.release(); // the server is stopping
        }
    }

    private void write(WebSocketClient c, ByteBuf frame, String json) {
        Channel ch = c.channel.channel();
        if (c.dropped || !ch.isActive() || c.ws.isClosed()) {
            return;
        }
        if (!ch.isWritable() && unflushed.remove(c)) {
            c.channel.flush(); // full of this burst's own writes, not yet handed to the socket: hand them first
        }
        if (!ch.isWritable()) {
            closeSlow.accept(c);
            return;
        }
        if (frame.readableBytes() > HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE) {
            c.ws.writeTextMessage(json); // Vert.x splits it into frames the client accepts
        } else {
            c.channel.write(new TextWebSocketFrame(frame.retainedDuplicate()), c.channel.voidPromise());
            unflushed.add(c);
            if (!flushQueued) {
                flushQueued = true;
                loop.execute(this::flush);
            }
        }
        frames.increment();
    }

    private void flush() {
        flushQueued = false;
        for (WebSocketClient c : unflushed) {
            c.channel.flush();
        }
        unflushed.clear();
    }
}
