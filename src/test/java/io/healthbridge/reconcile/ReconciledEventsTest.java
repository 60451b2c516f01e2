package io.healthbridge.reconcile;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.Retention;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciled results as events of their own ({@code healthbridge/reconciled}): published when a contributing event
 * arrives, a new version of the same key when one is deleted or a priority changes, delivered by webhooks. Every
 * expected figure is computed by hand from the payloads.
 */
class ReconciledEventsTest {

    static final Path HC = Path.of("src/test/resources/fixtures/health-connect/batch.json");
    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static HttpServer receiver;
    /** What the subscriber of the one truth ({@code reconciled:health.*}) and of every source ({@code health.*}) got. */
    static final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    static final List<JsonNode> sourcesOnly = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        for (var hook : Map.of("/one", delivered, "/all", sourcesOnly).entrySet()) {
            receiver.createContext(hook.getKey(), ex -> {
                hook.getValue().add(EventJson.read(new String(ex.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8)));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
        }
        receiver.start();
        Properties p = new Properties();
        p.setProperty("healthbridge.reconcile.interval-ms", "100");
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        hb = RunningHealthbridge.start(work, p);
        for (String[] sub : new String[][] {{"/one", "reconciled:health.*"}, {"/all", "health.*"}}) {
            HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(
                    HttpRequest.BodyPublishers.ofString("{\"url\":\"http://127.0.0.1:" + receiver.getAddress()
                            .getPort() + sub[0] + "\",\"event_types\":[\"" + sub[1] + "\"],\"user_ids\":[\"re-ben\"]}")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        hb.close();
        receiver.stop(0);
    }

    /** The newest stored version of each reconciled result of a type for a user's day, once {@code until} holds. */
    static List<JsonNode> reconciled(String user, String type, String day, Predicate<List<JsonNode>> until) {
        List<List<JsonNode>> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, JsonNode> byKey = new java.util.LinkedHashMap<>();
            for (JsonNode e : hb.getJson("/api/v1/events?provider=reconciled&limit=500&user=" + user + "&type=health."
                                         + type).get("events")) {
                JsonNode ce = e.get("event");
                if (ce.at("/data/provenance/day").asText().equals(day)) {
                    byKey.put(ce.at("/data/key").asText(), ce);
                }
            }
            List<JsonNode> now = new ArrayList<>(byKey.values());
            seen.add(0, now);
            return until.test(now);
        });
        return seen.get(0);
    }

    static String deviceToken(String user) throws Exception {
        return EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/device-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).body()).get("token").asText();
    }

    static void pushHealthConnect(String token, String batch) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/ingest/health-connect"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static void ingest(String provider, String dataset, String user, String payload) {
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload,
                Map.of(HealthbridgeHeaders.PROVIDER, provider, HealthbridgeHeaders.DATASET, dataset,
                        HealthbridgeHeaders.USER_ID, user));
    }

    static List<String> sources(JsonNode event) {
        return event.at("/data/provenance/sources").findValuesAsText("source");
    }

    @Test
    void theIphoneAndWatchDayIsPublishedAsOneTotalAndOneNight() throws Exception {
        ReconciledDayTest.importSample(hb, "re-ana");
        // Watch 3,972 first; the iPhone only where the Watch has nothing: 990 + 16.3 (10 s of a 554 s, 903-step walk)
        JsonNode steps = reconciled("re-ana", "steps", "2025-01-14", l -> !l.isEmpty()).get(0);
        assertThat(steps.get("source").asText()).isEqualTo("healthbridge/reconciled");
        assertThat(steps.at("/data/value/value").decimalValue()).isEqualByComparingTo("4978.3");
        assertThat(steps.at("/data/value/unit").asText()).isEqualTo("{steps}");
        assertThat(steps.at("/data/start").asText()).isEqualTo("2025-01-14T00:00:00+01:00");
        assertThat(steps.at("/data/end").asText()).isEqualTo("2025-01-15T00:00:00+01:00");
        assertThat(sources(steps)).containsExactly("apple_health:watch", "apple_health:phone");
        assertThat(steps.at("/data/provenance/sources/0/value").decimalValue()).isEqualByComparingTo("3972");
        assertThat(steps.at("/data/provenance/sources/1/value").decimalValue()).isEqualByComparingTo("1006.3");
        assertThat(steps.at("/data/provenance/derived_from")).hasSize(8);
        assertThat(steps.at("/data/provenance/rule").asText()).startsWith("interval_priority");
        // every event it names is a stored event of the user
        for (JsonNode id : steps.at("/data/provenance/derived_from")) {
            assertThat(hb.get("/api/v1/events/" + id.asText()).statusCode()).isEqualTo(200);
        }
        // the night: the Watch's session (449.5 min asleep) wins; Sleep Cycle's is a source of it
        JsonNode night = reconciled("re-ana", "sleep_session", "2025-01-14", l -> !l.isEmpty()).get(0);
        assertThat(night.at("/data/duration/value").asInt()).isEqualTo(26970);
        assertThat(sources(night)).containsExactly("apple_health:watch", "apple_health:Sleep Cycle");
        assertThat(night.at("/data/provenance/rule").asText()).startsWith("main_sleep");
        // recomputing a day nothing changed in publishes nothing new
        long before = hb.getJson("/api/v1/events?provider=reconciled&limit=500&user=re-ana").get("events").size();
        hb.runtime().context().getRegistry().lookupByNameAndType("reconciler", Reconciler.class)
                .recompute(new ReconcileQueue.Touch("re-ana", java.time.LocalDate.parse("2025-01-14"), "+01:00"));
        assertThat(hb.getJson("/api/v1/events?provider=reconciled&limit=500&user=re-ana").get("events").size())
                .isEqualTo(before);
    }

    @Test
    void daysStoredBeforeTheReconcilerRanAreReconciledWhenAsked() throws Exception {
        // a day whose events were published and reconciled, its results then lost (as if the reconciler had been off)
        pushHealthConnect(deviceToken("re-eve"), Files.readString(HC));
        JsonNode steps = reconciled("re-eve", "steps", "2025-01-14", l -> !l.isEmpty()).get(0);
        assertThat(hb.exec("DELETE FROM events WHERE subject = 're-eve' AND provider = 'reconciled'")).isPositive();
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/re-eve/days/reconcile"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"from\": \"2025-01-13\", \"to\": \"2025-01-15\", \"zone\": \"+01:00\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(EventJson.read(r.body()).get("days_queued").asInt()).isEqualTo(3);
        JsonNode again = reconciled("re-eve", "steps", "2025-01-14", l -> !l.isEmpty()).get(0);
        assertThat(again.get("id").asText()).isEqualTo(steps.get("id").asText());
        assertThat(again.at("/data/value/value").decimalValue()).isEqualByComparingTo("2391");
        for (String bad : new String[] {"{}", "{\"from\": \"2025-01-15\", \"to\": \"2025-01-13\"}",
                "{\"from\": \"2000-01-01\", \"to\": \"2025-01-13\"}", "{\"from\": \"2025-01-13\", \"to\": "
                + "\"2025-01-15\", \"zone\": \"Mars/Olympus\"}"}) {
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/re-eve/days/reconcile"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(bad)))
                    .statusCode()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void retentionKeepsWhatTheReconcilerHasNotRead() {
        Retention retention = hb.runtime().context().getRegistry().lookupByNameAndType("retention", Retention.class);
        assertThat(retention.policy().readers()).contains(Reconciler.CURSOR);
    }

    @Test
    void aGarminAndOuraNightIsOneMainSleepAndAPriorityChangeRepublishesIt() throws Exception {
        // one night, 2025-03-09 23:10 to 2025-03-10 06:30 (+01:00) on the Garmin watch: 5,400 s deep, 14,400 light,
        // 5,400 REM = 25,200 s asleep; 23:05 to 06:35 on the Oura ring: total_sleep_duration 24,600 s
        long garminStart = Instant.parse("2025-03-09T22:10:00Z").getEpochSecond();
        ingest("garmin", "sleeps", "re-gus", "[{\"summaryId\": \"g-night-1\", \"calendarDate\": \"2025-03-10\", "
                + "\"startTimeInSeconds\": " + garminStart + ", \"startTimeOffsetInSeconds\": 3600, "
                + "\"durationInSeconds\": 26400, \"deepSleepDurationInSeconds\": 5400, "
                + "\"lightSleepDurationInSeconds\": 14400, \"remSleepInSeconds\": 5400, "
                + "\"awakeDurationInSeconds\": 1200, \"validation\": \"ENHANCED_FINAL\"}]");
        ingest("oura", "sleep", "re-gus", "{\"data\": [{\"id\": \"oura-night-1\", \"day\": \"2025-03-10\", "
                + "\"type\": \"long_sleep\", \"bedtime_start\": \"2025-03-09T23:05:00+01:00\", "
                + "\"bedtime_end\": \"2025-03-10T06:35:00+01:00\", \"total_sleep_duration\": 24600, "
                + "\"deep_sleep_duration\": 5100, \"light_sleep_duration\": 13800, \"rem_sleep_duration\": 5700, "
                + "\"awake_time\": 2400, \"time_in_bed\": 27000, \"efficiency\": 91, \"latency\": 600}]}");
        // Oura comes first for sleep by default: its night is the main sleep, Garmin's a source of it
        JsonNode night = reconciled("re-gus", "sleep_session", "2025-03-10",
                l -> l.size() == 1 && sources(l.get(0)).size() == 2).get(0);
        assertThat(night.at("/data/duration/value").asInt()).isEqualTo(24600);
        assertThat(night.at("/data/start").asText()).isEqualTo("2025-03-09T23:05:00+01:00");
        assertThat(sources(night)).containsExactly("oura", "garmin");
        assertThat(night.at("/data/provenance/derived_from")).hasSize(2);
        String key = night.at("/data/key").asText();
        // no night ends on the 9th
        assertThat(reconciled("re-gus", "sleep_session", "2025-03-09", l -> true)).isEmpty();

        // the person trusts their Garmin watch for sleep: the same result, a new version of it
        HttpResponse<String> put = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/re-gus/priorities"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"sleep_session\": [\"garmin\", \"oura\"]}")));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode now = reconciled("re-gus", "sleep_session", "2025-03-10",
                l -> l.size() == 1 && l.get(0).at("/data/duration/value").asInt() == 25200).get(0);
        assertThat(now.at("/data/key").asText()).isEqualTo(key);
        assertThat(now.get("id").asText()).isNotEqualTo(night.get("id").asText());
        assertThat(now.at("/data/start").asText()).isEqualTo("2025-03-09T23:10:00+01:00");
        assertThat(sources(now)).containsExactly("garmin", "oura");
    }

    @Test
    void aNightItsSourceRevisedIsTheRevision() throws Exception {
        // Oura sends the night, then the same sleep period extended by a later sync (bedtime_end 06:35, then 07:20)
        String night = "{\"data\": [{\"id\": \"oura-rev-1\", \"day\": \"2025-03-12\", \"type\": \"long_sleep\", "
                + "\"bedtime_start\": \"2025-03-11T23:05:00+01:00\", \"bedtime_end\": \"%s\", "
                + "\"total_sleep_duration\": %d, \"time_in_bed\": %d}]}";
        ingest("oura", "sleep", "re-rev", night.formatted("2025-03-12T06:35:00+01:00", 24600, 27000));
        reconciled("re-rev", "sleep_session", "2025-03-12", l -> !l.isEmpty());
        ingest("oura", "sleep", "re-rev", night.formatted("2025-03-12T07:20:00+01:00", 27000, 29700));
        JsonNode main = reconciled("re-rev", "sleep_session", "2025-03-12",
                l -> !l.isEmpty() && l.get(0).at("/data/duration/value").asInt() != 24600).get(0);
        assertThat(main.at("/data/duration/value").asInt()).isEqualTo(27000);
        assertThat(main.at("/data/end").asText()).isEqualTo("2025-03-12T07:20:00+01:00");
    }

    @Test
    void aGarminRunAlsoOnStravaIsOneWorkoutWithTwoSources() throws Exception {
        // the run recorded on a Garmin watch: Garmin Connect writes it to Health Connect and uploads it to Strava
        ObjectNode batch = (ObjectNode) EventJson.read(Files.readString(HC));
        ArrayNode records = batch.putArray("records");
        batch.putArray("deletions");
        records.add(EventJson.read("{\"recordType\": \"ExerciseSessionRecord\", \"metadata\": {\"id\": "
                + "\"9a000000-0000-0000-0000-000000000001\", \"dataOrigin\": {\"packageName\": "
                + "\"com.garmin.android.apps.connectmobile\"}, \"lastModifiedTime\": \"2025-01-14T18:10:00Z\", "
                + "\"clientRecordVersion\": 0, \"recordingMethod\": 1}, \"startTime\": \"2025-01-14T17:30:05Z\", "
                + "\"startZoneOffset\": \"+01:00\", \"endTime\": \"2025-01-14T18:05:47Z\", \"endZoneOffset\": "
                + "\"+01:00\", \"values\": {\"exerciseType\": 56, \"title\": \"Evening run\"}}"));
        pushHealthConnect(deviceToken("re-cy"), EventJson.write(batch));
        ingest("strava", "activities", "re-cy", "{\"id\": 11223344, \"name\": \"Evening run\", \"type\": \"Run\", "
                + "\"sport_type\": \"Run\", \"start_date\": \"2025-01-14T17:30:03Z\", \"utc_offset\": 3600, "
                + "\"elapsed_time\": 2145, \"moving_time\": 2090, \"distance\": 5820.4}");
        List<JsonNode> workouts = reconciled("re-cy", "workout", "2025-01-14",
                l -> l.size() == 1 && sources(l.get(0)).size() == 2);
        JsonNode run = workouts.get(0);
        // Strava ranks above Health Connect for workouts by default: its figures, both sources
        assertThat(sources(run)).containsExactly("strava", "health_connect:com.garmin.android.apps.connectmobile");
        assertThat(run.at("/data/distance/value").decimalValue()).isEqualByComparingTo("5820.4");
        assertThat(run.at("/data/duration/value").asInt()).isEqualTo(2090);
        assertThat(run.at("/data/provenance/derived_from")).hasSize(2);
        assertThat(run.at("/data/provenance/rule").asText()).startsWith("same_workout");
    }

    @Test
    void deletingAContributingEventPublishesTheNewTotalToWebhooks() throws Exception {
        String token = deviceToken("re-ben");
        pushHealthConnect(token, Files.readString(HC));
        // Samsung's watch (884 + 912 + 640 = 2,436) and Google Fit (2,391) over the same half hour: one source of
        // Health Connect before the other by name, so Google Fit's 2,391
        JsonNode first = reconciled("re-ben", "steps", "2025-01-14", l -> !l.isEmpty()).get(0);
        assertThat(first.at("/data/value/value").decimalValue()).isEqualByComparingTo("2391");
        assertThat(sources(first)).containsExactly("health_connect:com.google.android.apps.fitness");

        // Google Fit's record is deleted on the phone: the day is Samsung's 2,436, a new version of the same key
        ObjectNode batch = (ObjectNode) EventJson.read(Files.readString(HC));
        batch.putArray("records");
        batch.putArray("deletions").add(EventJson.read("{\"recordId\": \"5eed0000-0000-0000-0000-000000000004\", "
                + "\"recordType\": \"StepsRecord\", \"observedAt\": \"2025-01-14T20:00:00Z\"}"));
        pushHealthConnect(token, EventJson.write(batch));
        JsonNode now = reconciled("re-ben", "steps", "2025-01-14",
                l -> !l.isEmpty() && l.get(0).at("/data/value/value").decimalValue().compareTo(new java.math.BigDecimal("2436")) == 0)
                .get(0);
        assertThat(now.at("/data/key").asText()).isEqualTo(first.at("/data/key").asText());
        assertThat(sources(now)).containsExactly("health_connect:com.sec.android.app.shealth");
        assertThat(now.at("/data/provenance/derived_from")).hasSize(3);
        // both versions reached the subscriber of the one truth, in order, and only results
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered.stream()
                .anyMatch(e -> e.get("id").asText().equals(now.get("id").asText())));
        assertThat(delivered).allMatch(e -> e.get("source").asText().equals("healthbridge/reconciled"));
        List<String> versions = delivered.stream().filter(e -> e.get("type").asText().equals("health.steps"))
                .map(e -> e.at("/data/value/value").decimalValue().toPlainString()).toList();
        assertThat(versions).containsSubsequence("2391", "2436");
        // a subscriber of health.* gets every source's events and never a result beside them
        await().atMost(Duration.ofSeconds(20)).until(() -> sourcesOnly.stream()
                .anyMatch(e -> e.get("type").asText().equals("health.deleted")));
        assertThat(sourcesOnly).isNotEmpty().noneMatch(e -> e.get("source").asText().equals("healthbridge/reconciled"));
    }

    @Test
    void aResultWhoseSourcesAreAllDeletedIsRetractedWithATombstone() throws Exception {
        String token = deviceToken("re-dee");
        ObjectNode batch = (ObjectNode) EventJson.read(Files.readString(HC));
        ArrayNode records = batch.putArray("records");
        batch.putArray("deletions");
        for (JsonNode r : (ArrayNode) EventJson.read(Files.readString(HC)).get("records")) {
            if (r.get("recordType").asText().equals("ExerciseSessionRecord")) {
                records.add(r);
            }
        }
        pushHealthConnect(token, EventJson.write(batch));
        JsonNode run = reconciled("re-dee", "workout", "2025-01-14", l -> !l.isEmpty()).get(0);
        batch.putArray("records");
        batch.putArray("deletions").add(EventJson.read("{\"recordId\": \"5eed0000-0000-0000-0000-000000000014\", "
                + "\"recordType\": \"ExerciseSessionRecord\", \"observedAt\": \"2025-01-14T20:00:00Z\"}"));
        pushHealthConnect(token, EventJson.write(batch));
        await().atMost(Duration.ofSeconds(30)).until(() -> hb.getJson(
                "/api/v1/events?provider=reconciled&type=health.deleted&user=re-dee").get("events").size() == 1);
        JsonNode tombstone = hb.getJson("/api/v1/events?provider=reconciled&type=health.deleted&user=re-dee")
                .at("/events/0/event");
        assertThat(tombstone.at("/data/key").asText()).isEqualTo(run.at("/data/key").asText());
        assertThat(tombstone.at("/data/reason").asText()).isEqualTo(Reconciler.RETRACTED);
        assertThat(tombstone.at("/data/deleted/ids/0").asText()).isEqualTo(run.get("id").asText());
        assertThat(reconciled("re-dee", "workout", "2025-01-14", l -> true)).isEmpty();
    }

    @Test
    void aPersonsDaysWaitWhileTheirImportIsUnderWay() throws Exception {
        // an import of re-hal's is running and moving (its progress recorded just now)
        assertThat(hb.exec("INSERT INTO imports (id, user_id, origin, file_path, size_bytes, status, created_at, "
                + "started_at, updated_at) VALUES ('held-import', 're-hal', 'upload', '/nowhere', 1, 'running', "
                + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")).isEqualTo(1);
        String batch = Files.readString(HC);
        pushHealthConnect(deviceToken("re-hal"), batch);
        pushHealthConnect(deviceToken("re-fay"), batch);
        // someone else's day is reconciled meanwhile; re-hal's waits (the reconciler runs every 100 ms)
        reconciled("re-fay", "steps", "2025-01-14", l -> !l.isEmpty());
        Thread.sleep(1000);
        assertThat(reconciled("re-hal", "steps", "2025-01-14", l -> true)).isEmpty();
        // the import is done: the day is reconciled once
        assertThat(hb.exec("UPDATE imports SET status = 'done', updated_at = CURRENT_TIMESTAMP WHERE id = 'held-import'"))
                .isEqualTo(1);
        JsonNode steps = reconciled("re-hal", "steps", "2025-01-14", l -> !l.isEmpty()).get(0);
        assertThat(steps.at("/data/value/value").decimalValue()).isPositive().isEqualByComparingTo(
                reconciled("re-fay", "steps", "2025-01-14", l -> !l.isEmpty()).get(0).at("/data/value/value").decimalValue());
    }
}
