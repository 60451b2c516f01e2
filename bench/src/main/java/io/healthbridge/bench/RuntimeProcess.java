package io.healthbridge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged runtime as users run it ({@code java -jar healthbridge.jar} in a folder holding the shipped
 * {@code application.properties} and {@code routes/}), on free loopback ports, with its resident memory sampled from
 * {@code /proc} and its heap from {@code /metrics}.
 */
final class RuntimeProcess implements AutoCloseable {

    /** The class archives of this benchmark run's runtimes (the folder is the run's own, removed at its end). */
    static final Path ARCHIVES = archives();

    final Process process;
    final int port;
    final Path work;
    final long startupMillis;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private volatile long peakHeap;
    private volatile boolean sampling;
    private Thread sampler;

    private RuntimeProcess(Process process, int port, Path work, long startupMillis) {
        this.process = process;
        this.port = port;
        this.work = work;
        this.startupMillis = startupMillis;
    }

    private static Path archives() {
        try {
            Path dir = Files.createTempDirectory("hb-bench-class-archive");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Bench.deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh working folder with the shipped configuration and route files, as the README's run command expects. */
    static Path prepare(Path repo) throws IOException {
        Path work = Files.createTempDirectory("hb-bench-run");
        Files.copy(repo.resolve("application.properties"), work.resolve("application.properties"));
        try (Stream<Path> files = Files.walk(repo.resolve("routes"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path target = work.resolve(repo.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return work;
    }

    /**
     * Starts the startup baseline ({@link BareCamel}: camel-main and one platform-http route, from the runtime's jar)
     * with the same JVM options, and returns once its {@code /health} answers UP.
     */
    static RuntimeProcess startBare(Path jar, List<String> jvmArgs) throws Exception {
        int port = Bench.freePort();
        Path work = Files.createTempDirectory("hb-bench-bare");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(Path.of(BareCamel.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + ":"
                + jar.toAbsolutePath());
        cmd.add(BareCamel.class.getName());
        cmd.add(String.valueOf(port));
        return started(new ProcessBuilder(cmd).directory(work.toFile()), port, work);
    }

    /** Starts the jar and returns once {@code /health} answers UP; the time taken is {@link #startupMillis}. */
    static RuntimeProcess start(Path jar, Path work, Map<String, String> env, List<String> jvmArgs) throws Exception {
        int port = Bench.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("runtime.log").toFile()));
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        pb.environment().put("HEALTHBRIDGE_PUBLIC_URL", "http://127.0.0.1:" + port);
        pb.environment().put("HEALTHBRIDGE_SIMULATOR_PORT", String.valueOf(Bench.freePort()));
        pb.environment().put("HEALTHBRIDGE_ADMIN_API_KEY", Bench.ADMIN_KEY);
        // a load from one address would measure the request rate limits, not the runtime: off unless env sets them
        for (String surface : new String[] { "API_PER_CREDENTIAL", "API_PER_ADDRESS", "PUSH_PER_PROVIDER",
                "PUSH_PER_ADDRESS", "CONNECT_PER_ADDRESS", "OTHER_PER_ADDRESS" }) {
            pb.environment().put("HEALTHBRIDGE_RATE_LIMIT_" + surface, "none");
        }
        // the jar's class archive in a folder of this benchmark run's: its first start of the jar is a first start
        pb.environment().put("HEALTHBRIDGE_CLASS_ARCHIVE", ARCHIVES.toString());
        pb.environment().putAll(env);
        return started(pb, port, work);
    }

    private static RuntimeProcess started(ProcessBuilder pb, int port, Path work) throws Exception {
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("runtime.log").toFile()));
        long t0 = System.nanoTime();
        Process p = pb.start();
        RuntimeProcess rp = new RuntimeProcess(p, port, work, 0);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
        while (!rp.up()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("runtime did not come up; see " + work.resolve("runtime.log"));
            }
            Thread.sleep(10);
        }
        return new RuntimeProcess(p, port, work, (System.nanoTime() - t0) / 1_000_000);
    }

    boolean up() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Resident set now and at its peak ({@code VmRSS}, {@code VmHWM}) in bytes. */
    long[] rss() {
        long rss = 0;
        long hwm = 0;
        try {
            // java -jar with no heap option of its own runs the runtime in a child JVM: that one is measured
            long pid = process.descendants().findFirst().map(ProcessHandle::pid).orElse(process.pid());
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line) * 1024;
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return new long[] {rss, hwm};
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Heap in use now: the sum of the heap pools in the runtime's Prometheus scrape. */
    long heapUsed() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long sum = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Samples the heap every second until {@link #close()} (each scrape costs the runtime CPU: fewer disturb the figures
     * less); the peak resident set comes from the kernel's VmHWM.
     */
    void startSampling() {
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                peakHeap = Math.max(peakHeap, heapUsed());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    long peakHeap() {
        return peakHeap;
    }

    /** SIGTERM, as an orchestrator stops it, then waits. */
    @Override
    public void close() throws InterruptedException {
        sampling = false;
        if (sampler != null) {
            sampler.interrupt();
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        if (!Boolean.getBoolean("bench.keep")) {
            Bench.deleteTree(work);
        }
    }
}
