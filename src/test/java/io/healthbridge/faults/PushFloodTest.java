package io.healthbridge.faults;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.healthbridge.provider.PushSignatures;
import io.healthbridge.push.PushInbox;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flood of Oura push notifications, 16 at a time, one in ten with a forged signature: every forged one is refused
 * with 401 and never stored, every genuine one is acknowledged and processed (its data fetched from the simulator).
 */
@ExtendWith(Verdict.class)
class PushFloodTest {

    @TempDir
    Path work;

    @Test
    void everyForgedNotificationIsRefusedAndEveryGenuineOneProcessed() throws Exception {
        int total = Verdict.size(300, 5000);
        Properties p = SimulatedProviders.settings("flo");
        p.setProperty("healthbridge.push.poll-interval-ms", "100");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            await().until(() -> hb.getJson("/api/v1/connections?user=flo").get("connections").size() == 7);
            PushInbox inbox = hb.runtime().context().getRegistry().lookupByNameAndType("pushInbox", PushInbox.class);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicInteger forgedAccepted = new AtomicInteger();
            AtomicInteger genuineRefused = new AtomicInteger();
            int forged = 0;
            long start = System.nanoTime();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                boolean forge = i % 10 == 9;
                forged += forge ? 1 : 0;
                String body = "{\"event_type\":\"update\",\"data_type\":\"" + (i % 2 == 0 ? "sleep" : "workout")
                              + "\",\"object_id\":\"o-" + i + "\",\"user_id\":\"flo\",\"event_time\":\"" + Instant.now() + "\"}";
                long ts = Instant.now().getEpochSecond();
                String sig = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac(forge ? "forged-secret"
                        : "healthbridge-sim-secret", (ts + body).getBytes(StandardCharsets.UTF_8)));
                HttpRequest r = HttpRequest.newBuilder(hb.uri("/providers/oura/webhook")).header("x-oura-timestamp",
                        String.valueOf(ts)).header("x-oura-signature", sig).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                inFlight.add(http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenAccept(resp -> {
                    if (forge && resp.statusCode() != 401) {
                        forgedAccepted.incrementAndGet();
                    }
                    if (!forge && resp.statusCode() != 200) {
                        genuineRefused.incrementAndGet();
                    }
                }));
                if (inFlight.size() == 16) {
                    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            double seconds = (System.nanoTime() - start) / 1e9;
            int genuine = total - forged;
            await().atMost(Duration.ofSeconds(Verdict.size(60, 600))).pollInterval(Duration.ofMillis(500))
                    .until(() -> inbox.count("pending") == 0 && inbox.count("processed") + inbox.count("failed") >= genuine);
            long processed = inbox.count("processed");
            Verdict.figures("%d notifications in %.1f s (%.0f/s), %d forged: %d accepted; %d genuine: %d refused, "
                            + "%d processed, %d failed, %d stored in all", total, seconds, total / seconds, forged,
                    forgedAccepted.get(), genuine, genuineRefused.get(), processed, inbox.count("failed"),
                    processed + inbox.count("failed") + inbox.count("pending"));
            assertThat(forgedAccepted.get()).as("forged notifications accepted").isZero();
            assertThat(genuineRefused.get()).as("genuine notifications refused").isZero();
            assertThat(inbox.count("failed")).as("genuine notifications failed").isZero();
            assertThat(processed).as("every genuine notification processed, no forged one stored").isEqualTo(genuine);
        }
    }
}
