package io.healthbridge.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on a free loopback port ({@code /hook}) for the delivery fault tests: it answers 200 after
 * {@link #delayMillis} and counts each {@code webhook-id} it gets, so distinct ids and duplicates can be told apart.
 */
public final class CountingReceiver implements AutoCloseable {

    /** Each {@code webhook-id} received and how often. */
    public final Map<String, Integer> received = new ConcurrentHashMap<>();
    /** Every request, duplicates included. */
    public final AtomicInteger requests = new AtomicInteger();
    /** How long each answer takes. */
    public final AtomicInteger delayMillis;
    private final HttpServer server;

    public CountingReceiver(int delayMillis) throws IOException {
        this.delayMillis = new AtomicInteger(delayMillis);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                Thread.sleep(this.delayMillis.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.merge(ex.getRequestHeaders().getFirst("webhook-id"), 1, Integer::sum);
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Requests beyond the first of each id. */
    public int duplicates() {
        return requests.get() - received.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
