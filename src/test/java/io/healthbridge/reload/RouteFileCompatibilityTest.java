package io.healthbridge.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each file of the compatibility corpus ({@code src/test/resources/compat}) run by plain camel-main 4.17.0 and by
 * Healthbridge's route file loader: both load it or both refuse it, and both answer the same where the file's header
 * names something to send or receive.
 */
class RouteFileCompatibilityTest {

    static final Path CORPUS = Path.of("src/test/resources/compat");

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static List<String> corpus() throws Exception {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".java"))
                    .sorted().toList();
        }
    }

    /** What a file's header asks: {@code send: uri | body}, {@code receive: uri}, {@code loads: false}. */
    record Probe(String send, String body, String receive, boolean loads) {
        static Probe of(Path file) throws Exception {
            String send = null;
            String body = null;
            String receive = null;
            boolean loads = true;
            for (String line : Files.readAllLines(file)) {
                String l = line.replaceFirst("^(#|//)\\s*", "");
                if (l.startsWith("send:")) {
                    String[] parts = l.substring(5).split("\\|", 2);
                    send = parts[0].trim();
                    body = parts[1].trim();
                } else if (l.startsWith("receive:")) {
                    receive = l.substring(8).trim();
                } else if (l.startsWith("loads:")) {
                    loads = Boolean.parseBoolean(l.substring(6).trim().split("\\s+")[0]);
                }
            }
            return new Probe(send, body, receive, loads);
        }
    }

    /** What one runtime did with the file. */
    record Outcome(boolean loaded, String answer) {
    }

    static String answer(CamelContext context, Probe probe) {
        try {
            if (probe.send() != null) {
                // a missing consumer fails at once rather than after direct's 30 s wait
                String uri = probe.send().startsWith("direct:") ? probe.send() + "?block=false" : probe.send();
                Object out = context.createProducerTemplate().requestBody(uri, probe.body());
                return String.valueOf(out);
            }
            if (probe.receive() != null) {
                return String.valueOf(context.createConsumerTemplate().receiveBody(probe.receive(), 10_000));
            }
            return null;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "failed: " + root.getClass().getName() + ": " + root.getMessage();
        }
    }

    static Outcome plain(Path file, Probe probe) throws Exception {
        Main main = new Main();
        // camel-main's own defaults: not the application.properties of Healthbridge on this classpath
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().withRoutesIncludePattern("file:" + file.toAbsolutePath());
        main.configure().withName("plain-compat");
        main.configure().withJmxEnabled(false);
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.port", String.valueOf(RunningHealthbridge.freePort()));
        try {
            main.start();
        } catch (Exception e) {
            main.stop();
            return new Outcome(false, null);
        }
        try {
            CamelContext context = main.getCamelContext();
            boolean started = context != null && context.getStatus() == ServiceStatus.Started
                              && context.getRoutes().stream().allMatch(r ->
                    context.getRouteController().getRouteStatus(r.getRouteId()) == ServiceStatus.Started);
            return new Outcome(started, started ? answer(context, probe) : null);
        } finally {
            main.stop();
        }
    }

    static Outcome healthbridge(Path file, Probe probe) throws Exception {
        String name = "compat/" + file.getFileName();
        RouteFileLoader loader = hb.runtime().routeFileLoader();
        hb.writeRoute(name, Files.readString(file));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> loader.statusOf(name) != null);
            boolean loaded = loader.statusOf(name).ok();
            return new Outcome(loaded, loaded ? answer(hb.runtime().context(), probe) : null);
        } finally {
            hb.deleteRoute(name);
            await().atMost(Duration.ofSeconds(20)).until(() -> loader.statusOf(name) == null);
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void plainCamelAndHealthbridgeAgree(String name) throws Exception {
        Path file = CORPUS.resolve(name);
        Probe probe = Probe.of(file);
        Outcome plain = plain(file, probe);
        Outcome ours = healthbridge(file, probe);
        assertThat(plain.loaded()).as("plain camel-main loads " + name).isEqualTo(probe.loads());
        assertThat(ours.loaded()).as("Healthbridge loads " + name + ": "
                + hb.runtime().routeFileLoader().statuses()).isEqualTo(plain.loaded());
        assertThat(ours.answer()).as("Healthbridge's answer for " + name).isEqualTo(plain.answer());
        if (probe.send() != null || probe.receive() != null) {
            // both sides failing alike (no route reached, nothing received) would agree and show nothing
            assertThat(plain.answer()).as("a probe that shows something").isNotNull().isNotEqualTo("null")
                    .doesNotContain("NoTypeConversion").doesNotContain("DirectConsumerNotAvailableException");
        }
    }

    @Test
    void theCorpusIsLargeEnough() throws Exception {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(30);
    }
}
