package io.healthbridge.delivery.webhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An endpoint another instance sharing the store has just created gets every event published after it, although
 * this instance's snapshot of the endpoints is a moment old: the dispatcher never skips the outbox on a stale "no
 * endpoint" (the events of that moment were lost before).
 */
class NewEndpointTest {

    @TempDir
    Path work;

    @Test
    void eventsPublishedRightAfterAnEndpointAppearsInTheStoreAreDeliveredToIt() throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        p.setProperty("healthbridge.webhooks.poll-interval-ms", "50");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p); Receiver receiver = new Receiver()) {
            WebhookStore store = hb.runtime().context().getRegistry().lookupByNameAndType("webhookStore",
                    WebhookStore.class);
            // this instance has just looked: no endpoint (its snapshot now says so for a while)
            assertThat(store.endpoints().enabled()).isEmpty();
            // another instance on the same store creates one, through its own endpoints store
            WebhookEndpoints other = new WebhookEndpoints(hb.store(), SecretBox.load(null, hb.data()),
                    Clock.systemUTC());
            other.create(receiver.url(), "made elsewhere", List.of("health.*"), null, "cloudevents", true,
                    WebhookSigner.newSecret());
            String payload = Files.readString(Path.of("src/test/resources/fixtures/oura/realistic/heartrate.json"));
            hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                    HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "heartrate",
                    HealthbridgeHeaders.USER_ID, "after-endpoint"));
            long stored = hb.count("SELECT COUNT(*) FROM events WHERE subject = ?", "after-endpoint");
            assertThat(stored).isPositive();
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests.size() >= stored);
            assertThat(receiver.requests.stream().map(Receiver.Request::id).distinct().count()).isEqualTo(stored);
        }
    }
}
