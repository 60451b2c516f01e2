package io.healthbridge.delivery.websocket;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.TypeGlob;
import io.healthbridge.store.StoredEvent;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;

/** One connected client and its filter; null types means not subscribed yet. */
final class WebSocketClient {
    final ServerWebSocket ws;
    /** Netty's side of the connection and its loop's writer, for Vert.x's own sockets; null for any other. */
    final ChannelHandlerContext channel;
    final LoopWriter writer;
    volatile List<TypeGlob> types;
    volatile Set<String> users;
    volatile boolean replaying;
    /** Closed for being too slow: nothing more is written to it. */
    volatile boolean dropped;
    final List<CanonicalEvent> held = new ArrayList<>();
    /**
     * The newest stored event when the filter was last set: every later event reaches the client live, so a
     * resume replays up to here only. Events stored before it but still on their way to the hub then are sent
     * live too; their ids are kept for a short while ({@link WebSocketHub#LIVE_IDS_KEPT}) so a resume skips them.
     */
    volatile long liveFromSeq;
    final Set<String> liveIds = new HashSet<>();
    volatile long liveIdsUntilNanos;
    /** Whether each event type seen matches the filter, so a pattern is matched once per type, not per event. */
    volatile Map<String, Boolean> typeMatches = new ConcurrentHashMap<>();

    /** The API key or access token the stream was opened with, re-checked while it is open; null in tests. */
    volatile String credential;

    WebSocketClient(ServerWebSocket ws, ChannelHandlerContext channel, LoopWriter writer) {
        this.ws = ws;
        this.channel = channel;
        this.writer = writer;
    }

    boolean wants(CanonicalEvent e) {
        return wants(TypeGlob.subscribed(e.type(), e.provider()), e.subject());
    }

    boolean wants(StoredEvent e) {
        return wants(TypeGlob.subscribed(e.type(), e.provider()), e.subject());
    }

    private boolean wants(String type, String subject) {
        List<TypeGlob> t = types;
        Set<String> u = users;
        if (t == null || (u != null && !u.isEmpty() && !u.contains(subject))) {
            return false;
        }
        Map<String, Boolean> cache = typeMatches;
        Boolean known = cache.get(type);
        if (known == null) {
            known = t.stream().anyMatch(p -> p.matches(type));
            if (cache.size() < 1000) {
                cache.put(type, known);
            }
        }
        return known;
    }
}
