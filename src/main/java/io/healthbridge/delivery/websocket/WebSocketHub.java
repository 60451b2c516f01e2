package io.healthbridge.delivery.websocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.TypeGlob;
import io.healthbridge.security.AuthCheck;
import io.healthbridge.security.Authenticator;
import io.healthbridge.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws/events}: canonical events as JSON text frames to authenticated WebSocket clients, each with its own
 * filter ({@code subscribe}), resumable from the store after a given event id ({@code resume}). Attached to the
 * platform-http Vert.x router itself, not to a Camel route, so clients stay connected when route files reload. A
 * client that cannot keep up is closed with code 4000 once its send buffer is full; nobody else waits for it.
 *
 * <p>Live events reach Vert.x's own sockets through Netty directly ({@link LoopWriter}): an event is encoded once for
 * all its clients, handed to each event loop once (not once per client), and each connection is flushed once per
 * burst, so under load several events share one socket write. Vert.x's {@code writeTextMessage} from the hand-off
 * thread cost an encoding, a task and a flush per client and event: 100,000 of each a second for 100 clients on
 * everything at 1,000 events/s.
 */
public class WebSocketHub {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHub.class);
    public static final String PATH = "/ws/events";
    /** Close code for a client whose send buffer overflowed. */
    public static final short SLOW_CLIENT = 4000;
    /** Vert.x's default largest text message ({@link HttpServerOptions#DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE}), in KiB. */
    static final int MAX_MESSAGE_KIB = HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE / 1024;
    /** Close code of a stream whose API key was revoked, session ended or operator deleted. */
    public static final short REVOKED = CredentialRecheck.REVOKED;

    private final Authenticator auth;
    private final EventStore events;
    private final MeterRegistry meters;
    private final int maxBufferBytes;
    private final long pingMillis;
    private final Map<ServerWebSocket, WebSocketClient> clients = new ConcurrentHashMap<>();
    /** Replays of resumed clients: two at a time, a bounded queue behind them. */
    private final ExecutorService replays = new ThreadPoolExecutor(2, 2,
            30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(200), r -> {
                Thread t = new Thread(r, "websocket-replay");
                t.setDaemon(true);
                return t;
            });
    private long recheckMillis = 5_000;
    /**
     * Who may want an event: clients subscribed to every user, and clients by the users they named. An event is matched
     * against these only, not against every connection (1,000 clients each on its own user would cost 1,000 filter
     * checks per event).
     */
    private final Set<WebSocketClient> everyUser = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<WebSocketClient>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final Frames frames;
    private final Resume resumes;

    /** Per event loop, the writer of live events to its clients. */
    private final Map<EventExecutor, LoopWriter> writers = new ConcurrentHashMap<>();

    /** How many ids of live events a client keeps after subscribing, and for how long, to replay without duplicates. */
    static final int LIVE_IDS_KEPT = 2_000;
    static final long LIVE_IDS_NANOS = TimeUnit.SECONDS.toNanos(30);

    public WebSocketHub(Authenticator auth, EventStore events, MeterRegistry meters, int maxBufferBytes, long pingMillis) {
        this.auth = auth;
        this.events = events;
        this.meters = meters;
        this.maxBufferBytes = maxBufferBytes;
        this.pingMillis = pingMillis;
        meters.gauge("healthbridge.websocket.clients", connected);
        this.frames = new Frames(meters, maxBufferBytes);
        this.resumes = new Resume(events, frames);
    }

    /** Attaches {@code /ws/events} to the HTTP server's router. */
    public void attach(Router router, Vertx vertx) {
        router.route(PATH).order(-1000).handler(ctx -> upgrade(ctx, vertx));
        new CredentialRecheck(auth, meters, clients::values).schedule(vertx, recheckMillis);
        LOG.info("WebSocket event stream on {}", PATH);
    }

    private void upgrade(RoutingContext ctx, Vertx vertx) {
        String header = ctx.request().getHeader("Authorization");
        String key = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
                : ctx.request().getParam("api_key");
        if (key == null) {
            key = ctx.request().getParam("access_token");
        }
        AuthCheck check;
        try {
            check = auth.check(key);
        } catch (RuntimeException e) {
            LOG.warn("WebSocket authentication failed: {}", e.getMessage());
            check = AuthCheck.fail("AUTH_001", "credentials could not be checked");
        }
        if (!check.ok()) {
            ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                    .end(EventJson.write(EventJson.object().set("error", EventJson.object().put("code", check.code())
                            .put("message", check.message() + " (WebSocket: Authorization: Bearer, ?api_key= or ?access_token=)")
                            .set("details", EventJson.object()))));
            return;
        }
        // Vert.x-web hands out a wrapper of the socket; the connection underneath is the one the socket writes to
        ChannelHandlerContext channel = ctx.request().connection() instanceof ConnectionBase connection
                ? connection.channelHandlerContext() : null;
        String credential = key;
        ctx.request().toWebSocket().onSuccess(ws -> open(ws, channel, vertx).credential = credential).onFailure(e ->
                LOG.debug("WebSocket upgrade failed: {}", e.getMessage()));
    }

    private WebSocketClient open(ServerWebSocket ws, ChannelHandlerContext channel, Vertx vertx) {
        WebSocketClient client = add(ws, channel);
        long timer = vertx.setPeriodic(pingMillis, id -> {
            if (!ws.isClosed()) {
                ws.writePing(Buffer.buffer("hb"));
            }
        });
        ws.textMessageHandler(text -> onMessage(client, text));
        // Vert.x drops a message whose frames add up to more than its limit and reports it here; the client is told
        ws.exceptionHandler(e -> {
            if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size")) {
                frames.error(client, "message too large: a message may be at most " + MAX_MESSAGE_KIB + " KiB");
            } else {
                LOG.debug("WebSocket {}: {}", ws.remoteAddress(), e.toString());
            }
        });
        ws.closeHandler(v -> {
            vertx.cancelTimer(timer);
            WebSocketClient gone = clients.remove(ws);
            if (gone != null) {
                connected.decrementAndGet();
                unindex(gone);
            }
        });
        frames.control(client, "healthbridge.ws.connected", EventJson.object().put("message",
                "send {\"action\":\"subscribe\",\"types\":[\"health.*\"]} to receive events"));
        return client;
    }

    /** How often open streams' credentials are checked again. */
    public void setRecheckMillis(long millis) {
        this.recheckMillis = Math.max(50, millis);
    }

    /** Registers an upgraded socket as a client (not yet subscribed). */
    WebSocketClient add(ServerWebSocket ws) {
        return add(ws, ws instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null);
    }

    /** Registers a socket whose Netty connection is known: live events go through it, batched per event loop. */
    WebSocketClient add(ServerWebSocket ws, ChannelHandlerContext channel) {
        ws.setWriteQueueMaxSize(maxBufferBytes);
        if (channel == null) {
            LOG.debug("WebSocket {} has no Netty connection to write to: its events go through Vert.x one by one",
                    ws.remoteAddress());
        }
        LoopWriter writer = channel == null ? null : writers.computeIfAbsent(channel.executor(), loop -> new LoopWriter(loop, frames.counter(), frames::closeSlow));
        WebSocketClient client = new WebSocketClient(ws, channel, writer);
        clients.put(ws, client);
        connected.incrementAndGet();
        return client;
    }

    void onMessage(WebSocketClient client, String text) {
        JsonNode msg;
        try {
            msg = EventJson.readStrict(text);
        } catch (RuntimeException e) {
            frames.error(client, "message is not JSON");
            return;
        }
        String action = msg.path("action").asText("");
        switch (action) {
            case "subscribe" -> subscribe(client, msg);
            case "unsubscribe" -> {
                client.types = null;
                unindex(client);
                frames.control(client, "healthbridge.ws.unsubscribed", EventJson.object());
            }
            case "resume" -> {
                // a replay reads the store and may write thousands of frames: never on the event loop
                String after = msg.path("after").asText(null);
                try {
                    replays.execute(() -> resumes.run(client, after));
                } catch (RejectedExecutionException e) {
                    frames.error(client, "too many resumes at once: try again in a moment");
                }
            }
            default -> frames.error(client, "unknown action '" + action + "': use subscribe, unsubscribe or resume");
        }
    }

    private void subscribe(WebSocketClient client, JsonNode msg) {
        List<TypeGlob> patterns = new ArrayList<>();
        JsonNode types = msg.get("types");
        if (types != null && !types.isArray()) {
            frames.error(client, "types must be a list");
            return;
        }
        if (types == null || types.isEmpty()) {
            patterns.add(TypeGlob.of("*"));
        } else {
            for (JsonNode t : types) {
                if (!t.isTextual() || t.asText().length() > 100) {
                    frames.error(client, "types must be strings such as health.sleep_*");
                    return;
                }
                patterns.add(TypeGlob.of(t.asText()));
            }
        }
        Set<String> users = new HashSet<>();
        JsonNode u = msg.get("users");
        if (u != null && !u.isNull()) {
            if (!u.isArray()) {
                frames.error(client, "users must be a list");
                return;
            }
            u.forEach(x -> users.add(x.asText()));
        }
        unindex(client);
        client.users = users;
        client.typeMatches = new ConcurrentHashMap<>();
        synchronized (client) {
            client.liveIds.clear();
            client.liveIdsUntilNanos = System.nanoTime() + LIVE_IDS_NANOS;
            client.types = patterns;
        }
        // read after the filter is set: an event stored later is matched live; one stored earlier is replayed
        client.liveFromSeq = events == null ? 0 : events.latestSeq();
        if (users.isEmpty()) {
            everyUser.add(client);
        } else {
            users.forEach(user -> byUser.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(client));
        }
        ObjectNode ack = EventJson.object();
        ack.set("types", types == null ? EventJson.MAPPER.createArrayNode().add("*") : types);
        ack.set("users", EventJson.MAPPER.valueToTree(users));
        frames.control(client, "healthbridge.ws.subscribed", ack);
    }

    private void unindex(WebSocketClient client) {
        everyUser.remove(client);
        Set<String> users = client.users;
        if (users != null) {
            for (String user : users) {
                byUser.computeIfPresent(user, (k, set) -> {
                    set.remove(client);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }

    /** EventHub listener: every published event to every client that wants it. */
    public void onEvent(CanonicalEvent event) {
        String json = null;
        Map<LoopWriter, List<WebSocketClient>> byLoop = null;
        Set<WebSocketClient> named = byUser.getOrDefault(event.subject(), Set.of());
        for (Set<WebSocketClient> candidates : List.of(everyUser, named)) {
            for (WebSocketClient c : candidates) {
                if (!c.wants(event)) {
                    continue;
                }
                synchronized (c) {
                    if (c.replaying) {
                        c.held.add(event);
                        continue;
                    }
                    if (c.liveIdsUntilNanos != 0) {
                        if (c.liveIds.size() < LIVE_IDS_KEPT && System.nanoTime() < c.liveIdsUntilNanos) {
                            c.liveIds.add(event.id());
                        } else {
                            c.liveIds.clear();
                            c.liveIdsUntilNanos = 0;
                        }
                    }
                }
                if (json == null) {
                    json = event.toJsonString();
                }
                if (c.writer == null) {
                    frames.write(c, json);
                    continue;
                }
                if (byLoop == null) {
                    byLoop = new HashMap<>();
                }
                byLoop.computeIfAbsent(c.writer, k -> new ArrayList<>()).add(c);
            }
        }
        if (byLoop != null) {
            // encoded once for every client; each loop's clients get a view of the same bytes
            ByteBuf frame = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
            try {
                for (Map.Entry<LoopWriter, List<WebSocketClient>> loop : byLoop.entrySet()) {
                    loop.getKey().send(loop.getValue(), frame, json);
                }
            } finally {
                frame.release();
            }
        }
    }

    public int clientCount() {
        return connected.get();
    }

    /** Connected clients whose live events go out through Netty in batches (all of Vert.x's own sockets). */
    int batchedClientCount() {
        return (int) clients.values().stream().filter(c -> c.writer != null).count();
    }
}
