package io.healthbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reconciliation beside the publish path, in one runtime as shipped: {@code users} people's days of Garmin 15-minute
 * epochs (each a steps, a distance and an active-energy event), a day per request, published as fast as the runtime
 * takes them. The baseline is the publish path itself: events stored per second from the first request to the last
 * answer. The figure is the reconciler's: the same events reconciled per second, from the first request until every
 * day's totals are published and nothing waits; and the reconciled results per second. A ratio of 1 is a reconciler
 * that keeps pace with publishing.
 */
final class ReconcilePhase {

    static final String ROUTE = """
            # The benchmark's way in for Garmin epochs: the same publish path as a polled Garmin payload.
            - route:
                id: bench-epochs
                routeConfigurationId: healthbridge-public
                from:
                  uri: platform-http:/bench/epochs
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - setHeader:
                        name: Healthbridge.provider
                        constant: garmin
                    - setHeader:
                        name: Healthbridge.dataset
                        constant: epochs
                    - setHeader:
                        name: Healthbridge.userId
                        header: user
                    - to: direct:ingest
                    - setBody:
                        simple: '{"published": ${body.published}}'
            """;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final int EPOCHS_PER_DAY = 96;
    static final int DAYS = 4;

    private ReconcilePhase() {
    }

    static Map<String, Object> run(Path repo, Path jar, List<String> jvmArgs, int users) throws Exception {
        Map<String, String> env = Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false", "HEALTHBRIDGE_DEMO_USERS", "");
        try (RuntimeProcess rt = RuntimeProcess.start(jar, RuntimeProcess.prepare(repo), env, jvmArgs)) {
            Bench.reload(rt, "bench/epochs.camel.yaml", ROUTE, "/bench/epochs", "POST");
            double before = metric(rt, "healthbridge_reconcile_events_total{change=\"version\"");
            LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(DAYS + 7);
            Semaphore slots = new Semaphore(8);
            AtomicInteger failed = new AtomicInteger();
            long t0 = System.nanoTime();
            for (int u = 0; u < users; u++) {
                for (int d = 0; d < DAYS; d++) {
                    slots.acquire();
                    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port
                            + "/bench/epochs?user=reconcile-" + u)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(day(first.plusDays(d), u))).build();
                    CompletableFuture<HttpResponse<Void>> f = HTTP.sendAsync(r, HttpResponse.BodyHandlers.discarding());
                    f.whenComplete((resp, e) -> {
                        if (e != null || resp.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                        slots.release();
                    });
                }
            }
            slots.acquire(8);
            long published = System.nanoTime() - t0;
            long events = (long) users * DAYS * EPOCHS_PER_DAY * 3;
            long results = (long) users * DAYS * 3;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (metric(rt, "healthbridge_reconcile_events_total{change=\"version\"") - before < results
                   || metric(rt, "healthbridge_reconcile_waiting") > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the reconciler had not caught up 10 minutes after publishing");
                }
                Thread.sleep(50);
            }
            long reconciled = System.nanoTime() - t0;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("users", users);
            out.put("days", users * DAYS);
            out.put("source_events", events);
            out.put("failed_requests", failed.get());
            out.put("baseline_published_per_s", Math.round(events / (published / 1e9)));
            out.put("reconciled_source_events_per_s", Math.round(events / (reconciled / 1e9)));
            out.put("reconciled_results_per_s", Math.round(results / (reconciled / 1e9)));
            out.put("ratio", Math.round((double) published / reconciled * 100) / 100.0);
            out.put("caught_up_after_publish_ms", (reconciled - published) / 1_000_000);
            out.put("target_ratio", 0.8);
            return out;
        }
    }

    /** One person's day of epochs (+01:00), each with steps, distance and active energy. */
    static String day(LocalDate date, int user) {
        long start = date.atStartOfDay(ZoneOffset.ofHours(1)).toEpochSecond();
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < EPOCHS_PER_DAY; i++) {
            if (i > 0) {
                b.append(',');
            }
            int steps = (i * 37 + user * 11) % 900;
            b.append("{\"summaryId\":\"bench-").append(user).append('-').append(date).append('-').append(i)
                    .append("\",\"activityType\":\"WALKING\",\"steps\":").append(steps)
                    .append(",\"distanceInMeters\":").append(steps * 0.75).append(",\"activeKilocalories\":")
                    .append(steps / 20).append(",\"durationInSeconds\":900,\"startTimeInSeconds\":")
                    .append(start + i * 900L).append(",\"startTimeOffsetInSeconds\":3600}");
        }
        return b.append(']').toString();
    }

    /** A value of the runtime's Prometheus scrape: the first line starting with {@code prefix}, 0 when absent. */
    static double metric(RuntimeProcess rt, String prefix) throws Exception {
        String scrape = HTTP.send(HttpRequest.newBuilder(rt.uri("/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
