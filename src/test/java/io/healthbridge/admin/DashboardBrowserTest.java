package io.healthbridge.admin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.delivery.webhook.Receiver;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.Browser;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard end to end in headless Debian Chromium (playwright-core) against a running runtime: a wrong password
 * is refused, an operator logs in and sees what was published before (the newest events, the last hour's chart), an
 * event published after the page opened appears live over the WebSocket, a person's day is drawn (hypnogram, heart
 * rate), the
 * routes and integrations panels fill, a route file's route is stopped and started with its buttons and its messages
 * traced (a secret header shown masked), a failed webhook
 * delivery is retried with its button and arrives, the API console runs a call with the operator's token, logout.
 */
class DashboardBrowserTest {

    @TempDir
    Path work;

    @Test
    void operatorLogsInSeesAnEventLiveAndRetriesAFailedDelivery() throws Exception {
        Path scripts = Browser.prepare();
        Properties p = new Properties();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        p.setProperty("healthbridge.webhooks.retry-schedule", "0s"); // one attempt, then failed
        p.setProperty("healthbridge.webhooks.poll-interval-ms", "100");
        p.setProperty("healthbridge.webhooks.breaker-open", "300ms");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p); Receiver receiver = new Receiver()) {
            receiver.setStatus(500);
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/operators")).POST(HttpRequest.BodyPublishers
                    .ofString("{\"username\":\"opal\",\"password\":\"opal-password-1234\",\"role\":\"admin\"}")))
                    .statusCode()).isEqualTo(201);
            HttpResponse<String> sub = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest
                    .BodyPublishers.ofString("{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"health.sleep_*\"]}")));
            assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
            String endpoint = EventJson.read(sub.body()).get("id").asText();
            // a route-file sink, for the sinks panel
            assertThat(hb.writeRouteAndWait("sinks/dash.camel.yaml", """
                    - route:
                        id: dash-sink-route
                        from:
                          uri: healthbridge-events:dash-sink
                          steps:
                            - to: log:dash-sink?level=DEBUG
                    """).get("result").asText()).isEqualTo("ok");

            // a day with more heart rate than the person panel draws (5,000 events of a type), published first: the newest events are history-user's
            StringBuilder many = new StringBuilder("{\"data\":[");
            for (int i = 0; i <= 5000; i++) {
                many.append(i == 0 ? "" : ",").append("{\"bpm\":").append(60 + i % 30).append(
                        ",\"source\":\"awake\",\"timestamp\":\"").append(java.time.Instant.parse(
                        "2026-11-21T00:00:00Z").plusSeconds(10L * i)).append("\"}");
            }
            hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest",
                    many.append("],\"next_token\":null}").toString(), Map.of(HealthbridgeHeaders.PROVIDER, "oura",
                            HealthbridgeHeaders.DATASET, "heartrate", HealthbridgeHeaders.USER_ID, "busy-user"));
            // published before the page opens: the dashboard shows it from the store, and counts it in its chart
            hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest",
                    Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/heartrate.json")), Map.of(
                            HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "heartrate",
                            HealthbridgeHeaders.USER_ID, "history-user"));
            // a route file's HTTP route, for the route control buttons
            assertThat(hb.writeRouteAndWait("team/dash-hello.camel.yaml",
                    io.healthbridge.support.Routes.yamlConstant("dash-hello", "/dash-hello", "hello"))
                    .get("result").asText()).isEqualTo("ok");

            ProcessBuilder pb = new ProcessBuilder("node", "dashboard.e2e.mjs").directory(scripts.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("HB_URL", "http://127.0.0.1:" + hb.port());
            pb.environment().put("HB_USER", "opal");
            pb.environment().put("HB_PASSWORD", "opal-password-1234");
            pb.environment().put("HB_SCREENSHOTS", Path.of("target").toAbsolutePath().toString());
            pb.environment().put("CHROMIUM", Browser.CHROMIUM.toString());
            Process node = pb.start();
            List<String> output = new ArrayList<>();
            BlockingQueue<String> steps = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        synchronized (output) {
                            output.add(line);
                        }
                        if (line.startsWith("STEP ") || line.startsWith("FAILED")) {
                            steps.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    steps.add("FAILED reading: " + e);
                }
            });
            reader.start();
            Writer in = new java.io.OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
            String failed;
            try {
                expect(steps, output, "STEP login-refused");
                expect(steps, output, "STEP logged-in");
                expect(steps, output, "STEP history");

                // published only now: the page can only show it live
                String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/sleep.json"));
                hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                        HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "sleep",
                        HealthbridgeHeaders.USER_ID, "browser-user"));
                in.write("GO\n");
                in.flush();
                expect(steps, output, "STEP event-live");
                expect(steps, output, "STEP person");
                expect(steps, output, "STEP panels");
                expect(steps, output, "STEP route-stopped");
                assertThat(hb.get("/dash-hello").statusCode()).isEqualTo(404);
                in.write("GO\n");
                in.flush();
                expect(steps, output, "STEP route-started");
                assertThat(hb.bodyOrNull("/dash-hello")).isEqualTo("hello");
                expect(steps, output, "STEP tracing");
                assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/dash-hello")).header("X-Api-Secret", "trace-me-secret"))
                        .statusCode()).isEqualTo(200);
                in.write("GO\n");
                in.flush();
                expect(steps, output, "STEP traced");
                failed = expect(steps, output, "STEP failed-delivery").substring("STEP failed-delivery ".length());

                JsonNode before = delivery(hb, endpoint, failed);
                assertThat(before.get("status").asText()).isEqualTo("failed");
                assertThat(before.get("last_status_code").asInt()).isEqualTo(500);
                receiver.setStatus(200);
                in.write("GO\n");
                in.flush();
                expect(steps, output, "STEP retried");
                expect(steps, output, "STEP api-docs");
                expect(steps, output, "STEP logged-out");
                assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(node.exitValue()).as(String.join("\n", output)).isZero();
            } finally {
                node.destroyForcibly();
            }

            JsonNode after = delivery(hb, endpoint, failed);
            assertThat(after.get("status").asText()).isEqualTo("delivered");
            assertThat(after.get("attempts").asInt()).isEqualTo(2);
            String eventId = after.get("event_id").asText();
            List<Integer> answers = receiver.requests.stream().filter(r -> eventId.equals(r.id()))
                    .map(Receiver.Request::answered).toList();
            assertThat(answers).as("the receiver saw the delivery fail, then arrive after the click")
                    .containsExactly(500, 200);
            synchronized (output) {
                assertThat(output).noneMatch(l -> l.startsWith("PAGE-ERROR"));
            }
        }
    }

    private static JsonNode delivery(RunningHealthbridge hb, String endpoint, String id) throws Exception {
        for (JsonNode d : hb.getJson("/api/v1/webhooks/" + endpoint + "/deliveries?limit=500").get("deliveries")) {
            if (d.get("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no delivery " + id);
    }

    private static String expect(BlockingQueue<String> steps, List<String> output, String prefix) throws Exception {
        String line = steps.poll(90, TimeUnit.SECONDS);
        if (line == null || !line.startsWith(prefix)) {
            synchronized (output) {
                throw new AssertionError("expected '" + prefix + "' from the browser, got '" + line + "':\n"
                        + String.join("\n", output));
            }
        }
        return line;
    }
}
