package io.healthbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Publishes provider payloads into the running runtime through the bench's own route file ({@code /bench/ingest}, a
 * YAML route ending in {@code direct:ingest}), one Oura heart-rate sample per request, so request {@code seq} becomes
 * exactly one canonical event whose time is {@code base + seq} seconds: receivers read {@code seq} back from it.
 */
final class Load implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    private final URI ingest;
    final long base;
    final long[] sentAt;
    final AtomicInteger failed = new AtomicInteger();

    Load(int port, int capacity) {
        this.ingest = URI.create("http://127.0.0.1:" + port + "/bench/ingest");
        // two days back, to the second: every event of a run is in the past and distinct from any earlier run's
        this.base = Instant.now().minusSeconds(2 * 86400).getEpochSecond();
        this.sentAt = new long[capacity];
        Arrays.fill(sentAt, -1);
    }

    static String payload(long epochSecond, int seq) {
        String time = TIME.format(Instant.ofEpochSecond(epochSecond));
        return "{\"data\":[{\"timestamp\":\"" + time + "+00:00\",\"timestamp_unix\":" + epochSecond
               + ",\"bpm\":" + (55 + seq % 40) + ",\"source\":\"awake\"}],\"next_token\":null}";
    }

    /** The seq of an event from its CloudEvents JSON ({@code "time":"..."}), or -1. */
    int seqOf(String json) {
        int i = json.indexOf("\"time\":\"");
        if (i < 0) {
            return -1;
        }
        int end = json.indexOf('"', i + 8);
        long epoch = OffsetDateTime.parse(json.substring(i + 8, end)).toEpochSecond();
        long seq = epoch - base;
        return seq >= 0 && seq < sentAt.length ? (int) seq : -1;
    }

    private CompletableFuture<HttpResponse<Void>> send(int seq, String user) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(ingest + "?user=" + user)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload(base + seq, seq))).build();
        sentAt[seq] = System.nanoTime();
        return http.sendAsync(r, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, e) -> {
            if (e != null || resp.statusCode() != 200) {
                failed.incrementAndGet();
            }
        });
    }

    /** Events {@code from..to-1} as fast as the runtime takes them, {@code concurrency} requests in flight. */
    void burst(int from, int to, int concurrency, IntFunction<String> user) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        for (int seq = from; seq < to; seq++) {
            slots.acquire();
            send(seq, user.apply(seq)).whenComplete((r, e) -> slots.release());
        }
        slots.acquire(concurrency);
        slots.release(concurrency);
    }

    /** Events {@code from..to-1} at {@code perSecond}, each sent at its own slot in time. */
    void paced(int from, int to, int perSecond, IntFunction<String> user) throws InterruptedException {
        long start = System.nanoTime();
        long step = TimeUnit.SECONDS.toNanos(1) / perSecond;
        CompletableFuture<?>[] all = new CompletableFuture<?>[to - from];
        for (int seq = from; seq < to; seq++) {
            long due = start + (seq - from) * step;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            all[seq - from] = send(seq, user.apply(seq));
        }
        try {
            CompletableFuture.allOf(all).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // counted in failed
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
