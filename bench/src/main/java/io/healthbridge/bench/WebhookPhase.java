package io.healthbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * Figure 2: events fanned out by the runtime to 10 local receiver endpoints (signed, durable), against plain HTTP POSTs
 * of the very same bodies to the same receivers from one JVM with the same client and thread count as the
 * dispatcher. Throughput from a burst; publish-to-receipt latency from a paced run below saturation.
 */
final class WebhookPhase {

    static final int ENDPOINTS = 10;

    record Receipt(int endpoint, String id, long at, int seq, byte[] body, Map<String, String> headers) {
    }

    private final Vertx vertx;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Webhook> verifiers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Receipt> receipts = new ConcurrentLinkedQueue<>();
    private final Set<String> distinct = ConcurrentHashMap.newKeySet();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private volatile Load load;

    WebhookPhase(Vertx vertx) throws Exception {
        this.vertx = vertx;
        for (int i = 0; i < ENDPOINTS; i++) {
            int endpoint = i;
            HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
                long at = System.nanoTime();
                byte[] body = buf.getBytes();
                Map<String, String> headers = new HashMap<>();
                for (String h : List.of("webhook-id", "webhook-timestamp", "webhook-signature", "content-type")) {
                    if (req.getHeader(h) != null) {
                        headers.put(h, req.getHeader(h));
                    }
                }
                String text = new String(body, StandardCharsets.UTF_8);
                Load l = load;
                int seq = l == null ? -1 : l.seqOf(text);
                if (endpoint < verifiers.size() && headers.containsKey("webhook-signature") && !verifies(endpoint, text, headers)) {
                    badSignatures.incrementAndGet();
                }
                String id = headers.getOrDefault("webhook-id", "seq-" + seq);
                receipts.add(new Receipt(endpoint, id, at, seq, body, headers));
                distinct.add(endpoint + "/" + id);
                req.response().setStatusCode(200).end();
            }));
            servers.add(server);
            ports.add(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort());
        }
    }

    private boolean verifies(int endpoint, String text, Map<String, String> headers) {
        Map<String, List<String>> h = new HashMap<>();
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        try {
            verifiers.get(endpoint).verify(text, java.net.http.HttpHeaders.of(h, (a, b) -> true));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    Map<String, Object> run(RuntimeProcess rt, int burstEvents, int pacedEvents, int pacedRate) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ENDPOINTS; i++) {
            JsonNode created = Bench.api(rt, "POST", "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:" + ports.get(i)
                    + "/hook\",\"event_types\":[\"health.heart_rate\"],\"description\":\"bench receiver " + i + "\"}");
            ids.add(created.get("id").asText());
            verifiers.add(new Webhook(created.get("secret").asText()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        long expected = (long) burstEvents * ENDPOINTS;
        // 0. warm-up, not a figure: the same backlog once before the measured one, as JMH warms up figure 1. Cold, the
        //    first seconds of a fresh JVM run interpreted code at a fraction of its speed (about 250 deliveries in the
        //    first second, over 2,000 a second later on), which measures the JIT, not the delivery path.
        try (Load warm = new Load(rt.port, burstEvents)) {
            reset();
            Bench.api(rt, "POST", "/api/v1/admin/maintenance", "{\"enabled\":true,\"message\":\"bench warm-up\"}");
            warm.burst(0, burstEvents, 16, seq -> "whw-" + seq);
            Bench.api(rt, "POST", "/api/v1/admin/maintenance", "{\"enabled\":false}");
            waitFor(expected, 120);
            if (distinct.size() < expected) {
                throw new IllegalStateException("warm-up: " + distinct.size() + " of " + expected + " deliveries arrived");
            }
        }
        out.put("warmup_events", burstEvents);
        try (Load l = new Load(rt.port, 2 * burstEvents + pacedEvents)) {
            load = l;
            // 1. delivery alone: delivery paused (maintenance mode), the events published, delivery resumed; from the
            //    resume to the last receipt the runtime only fans out, signs, stores and sends, as the baseline only sends
            reset();
            Bench.api(rt, "POST", "/api/v1/admin/maintenance", "{\"enabled\":true,\"message\":\"bench backlog\"}");
            l.burst(0, burstEvents, 16, seq -> "wh-" + seq);
            long t0 = System.nanoTime();
            Bench.api(rt, "POST", "/api/v1/admin/maintenance", "{\"enabled\":false}");
            waitFor(expected, 120);
            long t1 = lastReceipt();
            List<Receipt> burst = new ArrayList<>(receipts);
            if (Boolean.getBoolean("bench.wh.timeline")) {
                int[] perSec = new int[(int) ((t1 - t0) / 1_000_000_000L) + 1];
                burst.forEach(r -> perSec[(int) ((r.at() - t0) / 1_000_000_000L)]++);
                System.out.println("[bench] backlog deliveries per second: " + java.util.Arrays.toString(perSec));
            }
            double rate = distinct.size() / ((t1 - t0) / 1e9);
            out.put("events", burstEvents);
            out.put("endpoints", ENDPOINTS);
            out.put("deliveries", distinct.size());
            out.put("deliveries_expected", expected);
            out.put("deliveries_per_s", Bench.round(rate));

            // 2. end to end: publishing and delivering at once, on the same two cores
            reset();
            long e0 = System.nanoTime();
            l.burst(burstEvents, 2 * burstEvents, 16, seq -> "wh-" + seq);
            long published = System.nanoTime();
            waitFor(expected, 120);
            long e1 = lastReceipt();
            out.put("end_to_end_deliveries", distinct.size());
            out.put("end_to_end_publish_events_per_s", Bench.round(burstEvents / ((published - e0) / 1e9)));
            out.put("end_to_end_deliveries_per_s", Bench.round(distinct.size() / ((e1 - e0) / 1e9)));
            out.put("bad_signatures", badSignatures.get());
            out.put("ingest_failures", l.failed.get());

            // paced, below saturation: publish-to-receipt latency of every delivery
            reset();
            l.paced(2 * burstEvents, 2 * burstEvents + pacedEvents, pacedRate, seq -> "wh-" + seq);
            waitFor((long) pacedEvents * ENDPOINTS, 60);
            long[] lat = receipts.stream().filter(r -> r.seq() >= 0 && l.sentAt[r.seq()] > 0)
                    .mapToLong(r -> r.at() - l.sentAt[r.seq()]).toArray();
            out.put("paced_events_per_s", pacedRate);
            out.put("latency_ms", Bench.percentiles(lat));
            out.put("paced_deliveries", distinct.size());
            load = null;

            // baseline: the burst's own bodies and signature headers, POSTed straight to the same receivers; warmed up
            // the same way, by one unmeasured pass first
            Map<String, Object> base = new LinkedHashMap<>();
            reset();
            post(burst, 16, 0);
            reset();
            long b0 = System.nanoTime();
            post(burst, 16, 0);
            long b1 = lastReceipt();
            base.put("deliveries", receipts.size());
            base.put("deliveries_per_s", Bench.round(receipts.size() / ((b1 - b0) / 1e9)));
            reset();
            List<Receipt> sample = burst.subList(0, Math.min(burst.size(), pacedEvents * ENDPOINTS));
            long[] sent = post(sample, 16, pacedRate * ENDPOINTS);
            List<Receipt> got = new ArrayList<>(receipts);
            long[] blat = new long[got.size()];
            for (int i = 0; i < got.size(); i++) {
                int idx = Integer.parseInt(new String(got.get(i).body(), 0, 12, StandardCharsets.US_ASCII).trim());
                blat[i] = got.get(i).at() - sent[idx];
            }
            base.put("latency_ms", Bench.percentiles(blat));
            out.put("baseline", base);
            // three decimals, as figure 1's: rounded to one, 0.46 would read as a met 0.5
            double ratio = rate / (receipts.isEmpty() ? 1 : (double) base.get("deliveries_per_s"));
            out.put("ratio_to_baseline", Math.round(ratio * 1000) / 1000.0);
        } finally {
            for (String id : ids) {
                Bench.api(rt, "DELETE", "/api/v1/webhooks/" + id, null);
            }
        }
        return out;
    }

    /**
     * POSTs the bodies with one JDK HttpClient on a pool of {@code threads}, at most 4 in flight per endpoint as the
     * dispatcher allows; paced at {@code perSecond} when positive. For the paced run each body is prefixed with its
     * 12-digit index so its receipt can be matched to its send time; returns the send times.
     */
    private long[] post(List<Receipt> bodies, int threads, int perSecond) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        HttpClient client = HttpClient.newBuilder().executor(pool).build();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(4 * ENDPOINTS);
        long[] sent = new long[bodies.size()];
        long start = System.nanoTime();
        long step = perSecond > 0 ? TimeUnit.SECONDS.toNanos(1) / perSecond : 0;
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < bodies.size(); i++) {
            Receipt r = bodies.get(i);
            byte[] body = perSecond > 0 ? prefixed(i, r.body()) : r.body();
            if (step > 0) {
                long wait = start + i * step - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(r.endpoint()) + "/hook"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            r.headers().forEach(b::header);
            inFlight.acquire();
            sent[i] = System.nanoTime();
            client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((resp, e) -> {
                if (e != null || resp.statusCode() != 200) {
                    failures.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(4 * ENDPOINTS);
        pool.shutdown();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " baseline POSTs failed");
        }
        return sent;
    }

    private static byte[] prefixed(int idx, byte[] body) {
        byte[] head = String.format("%12d", idx).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /**
     * Instances sharing one PostgreSQL and one Kafka topic: the endpoints created once (shared store), a burst of
     * events published across the instances at once, deliveries counted from the first publish to the last receipt.
     */
    Map<String, Object> runShared(List<RuntimeProcess> instances, int events) throws Exception {
        if (verifiers.isEmpty()) {
            for (int i = 0; i < ENDPOINTS; i++) {
                JsonNode created = Bench.api(instances.get(0), "POST", "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:"
                        + ports.get(i) + "/hook\",\"event_types\":[\"health.heart_rate\"],\"description\":\"bench receiver "
                        + i + "\"}");
                verifiers.add(new Webhook(created.get("secret").asText()));
            }
            Thread.sleep(2500); // every instance's endpoint snapshot (2 s) has them
        }
        load = null;
        reset();
        int share = events / instances.size();
        List<Load> loads = new ArrayList<>();
        List<Thread> publishers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int k = 0; k < instances.size(); k++) {
            Load l = new Load(instances.get(k).port, events);
            loads.add(l);
            int from = k * share;
            int to = k == instances.size() - 1 ? events : from + share;
            Thread t = new Thread(() -> {
                try {
                    l.burst(from, to, 16, seq -> "whc-" + seq);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            publishers.add(t);
        }
        for (Thread t : publishers) {
            t.join();
        }
        long published = System.nanoTime();
        long expected = (long) events * ENDPOINTS;
        waitFor(expected, 240);
        long t1 = lastReceipt();
        int failed = 0;
        for (Load l : loads) {
            failed += l.failed.get();
            l.close();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instances", instances.size());
        out.put("events", events);
        out.put("publish_failed", failed);
        out.put("published_per_s", Bench.round(events / ((published - t0) / 1e9)));
        out.put("deliveries", distinct.size());
        out.put("deliveries_expected", expected);
        out.put("deliveries_per_s", Bench.round(distinct.size() / ((t1 - t0) / 1e9)));
        out.put("bad_signatures", badSignatures.get());
        return out;
    }

    private void reset() {
        receipts.clear();
        distinct.clear();
    }

    private long lastReceipt() {
        return receipts.stream().mapToLong(Receipt::at).max().orElse(System.nanoTime());
    }

    private void waitFor(long deliveries, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (distinct.size() < deliveries && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    void close() {
        servers.forEach(HttpServer::close);
    }
}
