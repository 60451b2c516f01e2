package io.healthbridge.backfill;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Garmin backfill sends Garmin's backfill requests (at most 90 days each); the history then arrives by push. */
class GarminBackfillTest {

    @TempDir
    Path work;

    @Test
    void aGarminBackfillIsRequestsOfAtMostNinetyDays() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, SimulatedProviders.settings("gus"))) {
            await().until(() -> hb.getJson("/api/v1/connections?user=gus&provider=garmin").get("connections").size() == 1);
            String connection = hb.getJson("/api/v1/connections?user=gus&provider=garmin").get("connections").get(0)
                    .get("id").asText();
            Instant to = Instant.now();
            Instant from = to.minus(Duration.ofDays(120));
            HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connections/" + connection + "/backfill"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + from + "\",\"to\":\"" + to
                            + "\",\"datasets\":[\"dailies\",\"sleeps\"]}")));
            assertThat(r.statusCode()).isEqualTo(202);
            JsonNode job = EventJson.read(r.body());
            assertThat(job.get("chunks_total").asInt()).isEqualTo(4);
            String id = job.get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(hb.getJson("/api/v1/backfills/" + id)
                    .get("status").asText()));

            ProviderSimulator sim = SimulatedProviders.simulator(hb);
            List<String> requests = sim.garminBackfillRequests();
            assertThat(requests).hasSize(4);
            assertThat(requests).filteredOn(q -> q.startsWith("/wellness-api/rest/backfill/dailies")).hasSize(2);
            assertThat(requests).filteredOn(q -> q.startsWith("/wellness-api/rest/backfill/sleeps")).hasSize(2);
            for (String q : requests) {
                String[] range = q.substring(q.indexOf('?') + 1).split("-");
                long span = Long.parseLong(range[1]) - Long.parseLong(range[0]);
                assertThat(span).isPositive().isLessThanOrEqualTo(Duration.ofDays(90).toSeconds());
            }
            assertThat(hb.getJson("/api/v1/backfills/" + id).get("errors").asInt()).isZero();
        }
    }
}
