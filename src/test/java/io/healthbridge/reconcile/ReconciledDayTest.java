package io.healthbridge.reconcile;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person's day seen by several sources, reconciled: answers computed by hand from the shared samples.
 */
class ReconciledDayTest {

    static final Path APPLE = Path.of("src/test/resources/fixtures/apple-health");
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

    static void importSample(String user) throws Exception {
        importSample(hb, user);
    }

    static void importSample(RunningHealthbridge hb, String user) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/imports"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(APPLE.resolve("export-small.xml"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = EventJson.read(r.body()).get("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!hb.getJson("/api/v1/imports/" + id).get("status").asText().equals("done")) {
            assertThat(Instant.now()).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    static String deviceToken(String user) throws Exception {
        return EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/device-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).body()).get("token").asText();
    }

    static JsonNode day(String user, String date) throws Exception {
        return hb.getJson("/api/v1/users/" + user + "/days/" + date + "?zone=%2B01:00");
    }

    @Test
    void theIphoneAndWatchDayCountsTheWatchFirstNotTheSum() throws Exception {
        importSample("rc-ana");
        JsonNode day = day("rc-ana", "2025-01-14");
        // Watch 3,972; the iPhone adds only where the Watch has nothing: 990 at 17:45, and 10 s of the 12:31 walk
        // (903 steps over 554 s: 16.3); never the sum of 8,957
        JsonNode steps = day.at("/totals/steps");
        assertThat(steps.get("value").decimalValue()).isEqualByComparingTo("4978.3");
        assertThat(steps.get("sources").findValuesAsText("source")).containsExactly("apple_health:watch",
                "apple_health:phone");
        assertThat(steps.get("derived_from")).hasSize(6 + 2);
        // one main sleep: the Watch's night; Sleep Cycle's is kept as a source of it
        assertThat(day.at("/sleep/main/source").asText()).isEqualTo("apple_health:watch");
        assertThat(day.at("/sleep/main/duration_s").asInt()).isEqualTo(26970);
        assertThat(day.at("/sleep/also").findValuesAsText("source")).containsExactly("apple_health:Sleep Cycle");
        assertThat(day.at("/workouts")).hasSize(1);

        // the same run arrives from the phone app too: still one workout, two sources
        String sync = Files.readString(APPLE.resolve("push-open-wearables-sync.json"));
        HttpResponse<String> pushed = hb.send(HttpRequest.newBuilder(hb.uri("/ingest/apple-health"))
                .header("Authorization", "Bearer " + deviceToken("rc-ana")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sync)));
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(202);
        JsonNode workouts = day("rc-ana", "2025-01-14").get("workouts");
        assertThat(workouts).hasSize(1);
        assertThat(workouts.get(0).get("derived_from")).hasSize(2);
    }

    @Test
    void theSameReadingFromTwoSourcesIsOne() throws Exception {
        // the Withings scale and the OMRON cuff write to Apple Health and to Health Connect: 152.34 lb is 69.1 kg,
        // at 07:12:03 both; 128/83 at 07:20:15 both
        importSample("rc-cy");
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/ingest/health-connect"))
                .header("Authorization", "Bearer " + deviceToken("rc-cy")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(
                        Path.of("src/test/resources/fixtures/health-connect/batch.json")))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode m = day("rc-cy", "2025-01-14").get("measurements");
        assertThat(m.get("body_weight")).hasSize(1);
        assertThat(m.at("/body_weight/0/reading/value").decimalValue()).isEqualByComparingTo("69.1");
        assertThat(m.at("/body_weight/0/sources")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "apple_health:Withings", "health_connect:com.withings.wiscale2");
        assertThat(m.at("/body_weight/0/derived_from")).hasSize(2);
        assertThat(m.get("blood_pressure")).hasSize(1);
        assertThat(m.at("/blood_pressure/0/reading/systolic").asInt()).isEqualTo(128);
        assertThat(m.at("/blood_pressure/0/derived_from")).hasSize(2);
        // the Watch's SpO2 at 02:10, 03:40 (97 %) and 05:15, Samsung's at 03:40 (96 %): not the same reading, four
        assertThat(m.get("oxygen_saturation")).hasSize(4);
    }

    @Test
    void aUsersOwnPriorityRecomputesTheirDay() throws Exception {
        String token = deviceToken("rc-ben");
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/ingest/health-connect"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(
                        Path.of("src/test/resources/fixtures/health-connect/batch.json")))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        // Samsung Health's watch (884 + 912 + 640) and Google Fit's phone (2,391) counted the same half hour:
        // by default the sources of one provider go in name order (Google Fit first), so the day is 2,391
        assertThat(day("rc-ben", "2025-01-14").at("/totals/steps/value").decimalValue())
                .isEqualByComparingTo("2391");
        HttpResponse<String> put = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/rc-ben/priorities"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"steps\": [\"health_connect:com.sec.android.app.shealth\"]}")));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(day("rc-ben", "2025-01-14").at("/totals/steps/value").decimalValue())
                .isEqualByComparingTo("2436");
        assertThat(hb.getJson("/api/v1/users/rc-ben/priorities").at("/priorities/steps/0").asText())
                .isEqualTo("health_connect:com.sec.android.app.shealth");
        // a bad order is refused whole
        for (String bad : new String[] {"[]", "{\"naps\": []}", "{\"steps\": \"garmin\"}", "{\"steps\": [\"Garmin X\"]}"}) {
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/rc-ben/priorities"))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(bad)))
                    .statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(hb.get("/api/v1/users/rc-ben/days/2025-13-40").statusCode()).isEqualTo(400);
    }
}
