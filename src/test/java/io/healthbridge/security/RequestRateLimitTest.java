package io.healthbridge.security;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Every surface has its request limit: past it, 429 RATE_001 with Retry-After, in the API's error format. */
class RequestRateLimitTest {

    @TempDir
    Path work;

    @Test
    void eachSurfaceAnswers429PastItsLimit() throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.rate-limit.api-per-credential", "5/1m");
        p.setProperty("healthbridge.rate-limit.api-per-address", "100/1m");
        p.setProperty("healthbridge.rate-limit.connect-per-address", "3/1m");
        p.setProperty("healthbridge.rate-limit.push-per-provider", "4/1m");
        p.setProperty("healthbridge.rate-limit.other-per-address", "1000/1m");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 5; i++) {
                assertThat(hb.get("/api/v1/events").statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = hb.get("/api/v1/events");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            JsonNode error = EventJson.read(limited.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("RATE_001");
            assertThat(error.get("details").get("retry_after_seconds").asLong()).isPositive();
            // another credential has its own budget
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(hb.uri("/api/v1/events"))
                    .header("Authorization", "Bearer someone-elses-key").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(401);

            int connectStatus = 0;
            for (int i = 0; i < 4; i++) {
                connectStatus = http.send(HttpRequest.newBuilder(hb.uri("/connect/oura?user=u" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            }
            assertThat(connectStatus).isEqualTo(429);

            int pushStatus = 0;
            for (int i = 0; i < 5; i++) {
                pushStatus = http.send(HttpRequest.newBuilder(hb.uri("/providers/oura/webhook"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            }
            assertThat(pushStatus).isEqualTo(429);
            assertThat(hb.get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void onPostgresTheBucketsAreSharedAndABodyStillArrives() throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.store.url", io.healthbridge.support.Postgres.newDatabase());
        p.setProperty("healthbridge.store.username", "postgres");
        p.setProperty("healthbridge.rate-limit.api-per-credential", "4/1m");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            // a request with a body passes the limiter (a database round trip off the event loop) whole
            HttpResponse<String> created = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"pg\",\"scopes\":[\"read\"]}")));
            assertThat(created.statusCode()).isEqualTo(201);
            for (int i = 0; i < 3; i++) {
                assertThat(hb.get("/api/v1/events").statusCode()).isEqualTo(200);
            }
            assertThat(hb.get("/api/v1/events").statusCode()).isEqualTo(429);
            try (var c = java.sql.DriverManager.getConnection(p.getProperty("healthbridge.store.url"), "postgres", "");
                 var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM quota_buckets WHERE id LIKE 'rl:api:%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("buckets every instance reads").isPositive();
            }
        }
    }
}
