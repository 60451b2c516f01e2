package io.healthbridge.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Figure 3: WebSocket clients on {@code /ws/events} while events are published at a steady rate: 1,000 clients each
 * subscribed to its own user, then 100 clients subscribed to everything. Per frame, latency from the ingest request
 * to its arrival; frames dropped = frames each client should have had (by its filter) minus frames it got.
 */
final class WebSocketPhase {

    private final Vertx vertx;

    WebSocketPhase(Vertx vertx) {
        this.vertx = vertx;
    }

    /** One scenario: {@code clients} sockets, filtered to their own user when {@code perUser}. */
    Map<String, Object> run(RuntimeProcess rt, int clients, boolean perUser, int users, int rate, int seconds)
            throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxWebSockets(clients + 10)
                .setDefaultHost("127.0.0.1").setDefaultPort(rt.port));
        int events = rate * seconds;
        Load load = new Load(rt.port, events);
        AtomicInteger subscribed = new AtomicInteger();
        AtomicInteger closedByServer = new AtomicInteger();
        int[] received = new int[clients];
        // latencies in microseconds, one slot per expected frame
        long expectedFrames = perUser ? events : (long) events * clients;
        AtomicLongArray latencies = new AtomicLongArray((int) Math.min(expectedFrames, 20_000_000));
        AtomicInteger latencyCount = new AtomicInteger();
        List<WebSocket> sockets = new ArrayList<>();
        String dump = System.getProperty("bench.ws.dump");
        AtomicLongArray firstAt = dump == null ? null : new AtomicLongArray(events);
        java.util.concurrent.ConcurrentHashMap<String, Integer> seqs = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < clients; i++) {
            int c = i;
            String filter = perUser ? "{\"action\":\"subscribe\",\"types\":[\"health.*\"],\"users\":[\"ws-u" + i + "\"]}"
                    : "{\"action\":\"subscribe\",\"types\":[\"health.*\"]}";
            WebSocket ws = client.webSocket(new WebSocketConnectOptions().setURI("/ws/events?api_key=" + Bench.ADMIN_KEY))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            ws.textMessageHandler(text -> {
                if (text.startsWith("{\"type\":\"healthbridge.ws.") || text.contains("\"type\":\"healthbridge.ws.")) {
                    if (text.contains("healthbridge.ws.subscribed")) {
                        subscribed.incrementAndGet();
                    }
                    return;
                }
                long now = System.nanoTime();
                // one event reaches up to 100 clients: its seq is read once, not once per frame
                int timeAt = text.indexOf("\"time\":\"");
                String key = timeAt < 0 ? text : text.substring(timeAt, Math.min(text.length(), timeAt + 40));
                int seq = seqs.computeIfAbsent(key, k -> load.seqOf(text));
                if (seq >= 0 && load.sentAt[seq] > 0) {
                    if (firstAt != null) {
                        firstAt.accumulateAndGet(seq, now, (a, b) -> a == 0 ? b : Math.min(a, b));
                    }
                    received[c]++;
                    int slot = latencyCount.getAndIncrement();
                    if (slot < latencies.length()) {
                        latencies.set(slot, (now - load.sentAt[seq]) / 1000);
                    }
                }
            });
            ws.closeHandler(v -> {
                if (ws.closeStatusCode() != null && ws.closeStatusCode() == 4000) {
                    closedByServer.incrementAndGet();
                }
            });
            ws.writeTextMessage(filter);
            sockets.add(ws);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (subscribed.get() < clients && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (subscribed.get() < clients) {
            throw new IllegalStateException("only " + subscribed.get() + " of " + clients + " clients subscribed");
        }
        load.paced(0, events, rate, seq -> "ws-u" + (seq % users));
        // settle: until nothing more arrives for a second, at most 30 s
        long last = -1;
        long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (latencyCount.get() != last && System.nanoTime() < settleDeadline) {
            last = latencyCount.get();
            Thread.sleep(1000);
        }
        long got = 0;
        for (int r : received) {
            got += r;
        }
        int n = Math.min(latencyCount.get(), latencies.length());
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            nanos[i] = latencies.get(i) * 1000;
        }
        if (dump != null) {
            StringBuilder sb = new StringBuilder();
            long wall0 = System.currentTimeMillis() - (System.nanoTime() - load.sentAt[0]) / 1_000_000;
            for (int i = 0; i < events; i++) {
                sb.append(i).append(' ').append(wall0 + (load.sentAt[i] - load.sentAt[0]) / 1_000_000).append(' ')
                        .append(firstAt.get(i) == 0 ? -1 : (firstAt.get(i) - load.sentAt[i]) / 1000).append('\n');
            }
            java.nio.file.Files.writeString(java.nio.file.Path.of(dump + "-" + clients + ".txt"), sb.toString());
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (WebSocket ws : sockets) {
            closing.add(ws.close().toCompletionStage().toCompletableFuture());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        client.close();
        load.close();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clients", clients);
        out.put("filter", perUser ? "own user" : "everything");
        out.put("events_per_s", rate);
        out.put("seconds", seconds);
        out.put("frames_expected", expectedFrames);
        out.put("frames_received", got);
        out.put("frames_dropped", expectedFrames - got);
        out.put("clients_closed_slow", closedByServer.get());
        out.put("ingest_failures", load.failed.get());
        out.put("latency_ms", Bench.percentiles(nanos));
        return out;
    }
}
