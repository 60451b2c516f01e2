package io.healthbridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.HealthbridgeRuntime;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.ingest.EventPipeline;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Figure 1: provider sample payloads through the real publish path ({@code direct:ingest}: mapping, schema
 * validation, dedup on the JDBC idempotent repository, persist to the embedded store, hand-off to the bus) against a
 * plain Jackson floor that parses the same payload and writes the same events' JSON. One operation is one payload;
 * every canonical operation is for a new user, so nothing is deduplicated away and every event is really stored.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NormalizationBenchmark {

    /** Sample payloads (provider/file, dataset): one per provider and kind, from the mapper golden-test fixtures. */
    static final String[][] CORPUS = {
            {"oura/realistic/heartrate.json", "heartrate"}, {"oura/realistic/sleep.json", "sleep"},
            {"oura/realistic/daily_activity.json", "daily_activity"}, {"garmin/daily-activity.json", "dailies"},
            {"garmin/sleep.json", "sleeps"}, {"polar/workouts.json", "exercises"}, {"whoop/sleep.json", "sleep"},
            {"withings/body.json", "getmeas"}, {"strava/workouts.json", "activities"},
            {"fitbit/heart-rate.json", "activities_heart"}, {"dexcom/glucose.json", "egvs"}};

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Folder of the provider fixtures. */
    @Param("src/test/resources/fixtures")
    public String fixtures;

    /** Folder of the shipped provider route files (the declarative Dexcom mapper lives in one). */
    @Param("routes/providers")
    public String providerRoutes;

    record Sample(String provider, String dataset, String text, List<JsonNode> events) {
    }

    private HealthbridgeRuntime runtime;
    private ProducerTemplate template;
    private Path work;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Sample> days = new ArrayList<>();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong other = new AtomicLong();

    /** Heap in use, sampled every 50 ms over the trial (as the runtime process's is, from its metrics). */
    private final AtomicLong peakHeap = new AtomicLong();
    private volatile boolean sampling;

    @Setup(Level.Trial)
    public void start() throws Exception {
        sampling = true;
        Thread sampler = new Thread(() -> {
            java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
            while (sampling) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        work = Files.createTempDirectory("hb-bench-normalize");
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of(providerRoutes))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(Bench.freePort()));
        p.setProperty("healthbridge.routes.dir", routes.toString());
        p.setProperty("healthbridge.data.dir", Files.createDirectories(work.resolve("data")).toString());
        p.setProperty("healthbridge.simulator.enabled", "false");
        p.setProperty("healthbridge.demo.users", "");
        p.setProperty("healthbridge.api.admin-key", Bench.ADMIN_KEY);
        runtime = new HealthbridgeRuntime(null, null, p);
        runtime.start();
        template = runtime.context().createProducerTemplate();
        EventPipeline pipeline = runtime.context().getRegistry().lookupByNameAndType("eventPipeline", EventPipeline.class);
        for (String[] entry : CORPUS) {
            String provider = entry[0].substring(0, entry[0].indexOf('/'));
            String text = Files.readString(Path.of(fixtures, entry[0]));
            Sample sample = sample(pipeline, provider, entry[1], text, entry[0]);
            if (sample != null) {
                samples.add(sample);
            }
        }
        for (String[] day : PollDays.all()) {
            Sample sample = sample(pipeline, day[0], day[1], day[2], day[0] + " day of " + day[1]);
            if (sample == null) {
                throw new IllegalStateException("the " + day[0] + " day payload does not map cleanly");
            }
            days.add(sample);
        }
        if (samples.size() < CORPUS.length / 2) {
            throw new IllegalStateException("only " + samples.size() + " corpus samples map cleanly");
        }
    }

    /** The payload as a sample when it maps to events alone; null (said why) when it makes dead letters too. */
    private Sample sample(EventPipeline pipeline, String provider, String dataset, String text, String name) {
        Exchange ex = new DefaultExchange(runtime.context());
        ex.getMessage().setHeaders(headers(provider, dataset, "corpus-check"));
        ex.getMessage().setBody(text);
        List<JsonNode> events = new ArrayList<>();
        int deadLetters = 0;
        for (Object item : pipeline.map(ex)) {
            if (item instanceof CanonicalEvent e) {
                events.add(e.toJson());
            } else {
                deadLetters++;
            }
        }
        if (deadLetters == 0 && !events.isEmpty()) {
            return new Sample(provider, dataset, text, events);
        }
        // the golden tests' fixtures hold broken records on purpose (a dead letter each): not a clean sample
        System.out.printf("normalization: %s left out (%d events, %d dead letters)%n", name, events.size(), deadLetters);
        return null;
    }

    static Map<String, Object> headers(String provider, String dataset, String user) {
        Map<String, Object> h = new HashMap<>();
        h.put(HealthbridgeHeaders.PROVIDER, provider);
        h.put(HealthbridgeHeaders.DATASET, dataset);
        h.put(HealthbridgeHeaders.USER_ID, user);
        h.put(HealthbridgeHeaders.PROVIDER_USER_ID, "p-" + user);
        return h;
    }

    /** Average canonical events per payload of the corpus, to turn payloads/s into events/s. */
    public double eventsPerPayload() {
        return eventsPerPayload(samples);
    }

    static double eventsPerPayload(List<Sample> corpus) {
        return corpus.stream().mapToInt(s -> s.events().size()).average().orElse(0);
    }

    /** One golden-test sample payload (a record or a few) through {@code direct:ingest}, for a new user. */
    @Benchmark
    public IngestSummary canonical() {
        return ingest(samples);
    }

    /** One poll-sized day payload ({@link PollDays}) through {@code direct:ingest}, for a new user. */
    @Benchmark
    public IngestSummary canonicalDay() {
        return ingest(days);
    }

    @Benchmark
    public void jacksonBaseline(Blackhole bh) {
        jackson(samples, bh);
    }

    @Benchmark
    public void jacksonBaselineDay(Blackhole bh) {
        jackson(days, bh);
    }

    private IngestSummary ingest(List<Sample> corpus) {
        long n = next.getAndIncrement();
        Sample s = corpus.get((int) (n % corpus.size()));
        IngestSummary summary = template.requestBodyAndHeaders("direct:ingest", s.text(),
                headers(s.provider(), s.dataset(), "bench-" + n), IngestSummary.class);
        published.addAndGet(summary.published());
        other.addAndGet(summary.duplicates() + summary.deadLettered());
        return summary;
    }

    private void jackson(List<Sample> corpus, Blackhole bh) {
        long n = next.getAndIncrement();
        Sample s = corpus.get((int) (n % corpus.size()));
        try {
            bh.consume(MAPPER.readTree(s.text()));
            for (JsonNode e : s.events()) {
                bh.consume(MAPPER.writeValueAsBytes(e));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        // every canonical operation must have stored new events and nothing else, or the figure is not what it says
        System.out.printf("normalization: %d samples, %.2f events/payload, %d events stored, %d duplicates or dead letters%n",
                samples.size(), eventsPerPayload(), published.get(), other.get());
        String out = System.getProperty("bench.normalization.stats");
        if (out != null && published.get() > 0) {
            try {
                // the kernel's peak resident set of this fork (VmHWM, kB), runtime and harness
                long hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
                Files.writeString(Path.of(out), samples.size() + " " + eventsPerPayload() + " " + published.get() + " "
                        + hwm + " " + peakHeap.get() + " " + eventsPerPayload(days) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sampling = false;
        if (other.get() > 0) {
            throw new IllegalStateException(other.get() + " events were deduplicated or dead-lettered in the benchmark");
        }
        runtime.stop();
        Bench.deleteTree(work);
    }
}
