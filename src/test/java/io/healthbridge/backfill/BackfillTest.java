package io.healthbridge.backfill;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.event.EventJson;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.simulator.SyntheticData;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 90-day backfill runs in provider-sized chunks within the quota, survives a restart mid-way, publishes every night
 * of sleep once, and a second backfill over imported days publishes nothing new.
 */
class BackfillTest {

    @TempDir
    Path work;

    static Properties pointingAt(ProviderSimulator sim) {
        String base = sim.baseUrl("oura");
        Properties p = new Properties();
        String k = "healthbridge.providers.oura.";
        p.setProperty(k + "base-url", base);
        p.setProperty(k + "authorize-url", base + "/oauth/authorize");
        p.setProperty(k + "token-url", base + "/oauth/token");
        p.setProperty(k + "revoke-url", base + "/oauth/revoke");
        p.setProperty(k + "client-id", "healthbridge-sim-client");
        p.setProperty(k + "client-secret", "healthbridge-sim-secret");
        p.setProperty(k + "app-quota", "3/1s");
        p.setProperty(k + "quota.max-wait-ms", "2000");
        p.setProperty(k + "retry.initial-backoff-ms", "50");
        p.setProperty("healthbridge.backfill.poll-interval-ms", "100");
        return p;
    }

    static JsonNode backfill(RunningHealthbridge hb, String connection, String body) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connections/" + connection + "/backfill"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return EventJson.read(r.body());
    }

    @Test
    void ninetyDaysWithinQuotaAcrossARestart() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start("127.0.0.1", 0, Clock.systemUTC())) {
            sim.setRateLimit("oura", 3, Duration.ofSeconds(1));
            sim.setRateLimitHeaders("oura", false);
            sim.setLatency("oura", Duration.ofMillis(100));
            Instant to = Instant.now();
            Instant from = to.minus(Duration.ofDays(90));
            String connection;
            String id;
            try (RunningHealthbridge hb = RunningHealthbridge.start(work, pointingAt(sim))) {
                ConnectFlow flow = hb.runtime().context().getRegistry().lookupByNameAndType("connectFlow", ConnectFlow.class);
                URI callback = sim.authorize(flow.start("oura", "bea"));
                Map<String, String> q = ProviderSimulator.queryOf(callback);
                connection = flow.complete("oura", q.get("code"), q.get("state"), "UTC").id();

                JsonNode job = backfill(hb, connection, "{\"from\":\"" + from + "\",\"to\":\"" + to
                        + "\",\"datasets\":[\"sleep\",\"daily_activity\",\"daily_spo2\",\"workout\"]}");
                id = job.get("id").asText();
                assertThat(job.get("chunks_total").asInt()).isEqualTo(12);
                await().atMost(Duration.ofSeconds(30)).until(() -> hb.getJson("/api/v1/backfills/" + id)
                        .get("chunks_done").asInt() >= 4);
            }
            // stopped mid-way; the next start resumes from the stored position
            try (RunningHealthbridge hb = RunningHealthbridge.start(work, pointingAt(sim))) {
                assertThat(hb.getJson("/api/v1/backfills/" + id).get("status").asText()).isEqualTo("running");
                await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(hb.getJson("/api/v1/backfills/" + id)
                        .get("status").asText()));
                JsonNode done = hb.getJson("/api/v1/backfills/" + id);
                assertThat(done.get("chunks_done").asInt()).isEqualTo(12);
                assertThat(done.get("errors").asInt()).isZero();
                assertThat(done.get("events_published").asLong()).isPositive();

                Set<String> nights = new HashSet<>();
                for (JsonNode e : hb.getJson("/api/v1/events?limit=500&user=bea&type=health.sleep_session").get("events")) {
                    nights.add(e.get("event").get("data").get("end").asText().substring(0, 10));
                }
                Set<String> expected = new HashSet<>();
                for (LocalDate d = LocalDate.ofInstant(from, ZoneOffset.UTC); !d.isAfter(LocalDate.ofInstant(to, ZoneOffset.UTC)); d = d.plusDays(1)) {
                    if (SyntheticData.night("bea", d).end().toInstant().isBefore(to)) {
                        expected.add(d.toString());
                    }
                }
                assertThat(nights).containsAll(expected).hasSize(expected.size());
                assertThat(sim.maxRequestsInAnyWindow("oura")).as("requests in any second").isLessThanOrEqualTo(3);

                // the same days again: everything is a duplicate
                JsonNode again = backfill(hb, connection, "{\"from\":\"" + to.minus(Duration.ofDays(10)) + "\",\"to\":\""
                        + to + "\",\"datasets\":[\"sleep\"]}");
                String againId = again.get("id").asText();
                await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(hb.getJson("/api/v1/backfills/" + againId)
                        .get("status").asText()));
                JsonNode second = hb.getJson("/api/v1/backfills/" + againId);
                assertThat(second.get("events_published").asLong()).isZero();
                assertThat(second.get("duplicates").asLong()).isPositive();
            }
        }
    }

    @Test
    void badRequestsAreClearErrors() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connections/nope/backfill"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"2026-01-01\"}"))).statusCode()).isEqualTo(404);
            assertThat(hb.get("/api/v1/backfills/nope").statusCode()).isEqualTo(404);
        }
    }
}
