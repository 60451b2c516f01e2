package io.healthbridge.event;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.ingest.EventHub;
import io.healthbridge.store.EventStore;
import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The publish path in the real runtime: provider payload in, canonical events stored and on the bus; a malformed
 * record dead-lettered while its siblings publish; the same payload twice publishes once, also across a restart.
 */
class PublishPathTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    Path work;

    static IngestSummary ingest(RunningHealthbridge hb, String provider, String dataset, String fixture) throws Exception {
        ProducerTemplate producer = hb.runtime().context().createProducerTemplate();
        String payload = Files.readString(FIXTURES.resolve(fixture));
        return producer.requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, provider, HealthbridgeHeaders.DATASET, dataset,
                HealthbridgeHeaders.USER_ID, "user-42", HealthbridgeHeaders.PROVIDER_USER_ID, "oura-abc",
                HealthbridgeHeaders.ZONE, "Europe/Berlin"), IngestSummary.class);
    }

    static double metric(RunningHealthbridge hb, String name, String... labels) throws Exception {
        for (String line : hb.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") && List.of(labels).stream().allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aBadRecordIsDeadLetteredWhileItsSiblingsPublish() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            List<CanonicalEvent> onBus = new CopyOnWriteArrayList<>();
            hb.runtime().context().getRegistry().lookupByNameAndType("eventHub", EventHub.class).addListener(onBus::add);

            // three good samples and one without a UTC offset
            IngestSummary s = ingest(hb, "oura", "heartrate", "oura/realistic/heartrate.json");
            assertThat(s.records()).isEqualTo(4);
            assertThat(s.published()).isEqualTo(3);
            assertThat(s.deadLettered()).isEqualTo(1);

            EventStore store = hb.runtime().context().getRegistry().lookupByNameAndType("eventStore", EventStore.class);
            assertThat(store.after(0, "health.heart_rate", "user-42", "oura", 10)).hasSize(3);
            await().until(() -> onBus.size() == 3);
            assertThat(onBus).allSatisfy(e -> assertThat(e.subject()).isEqualTo("user-42"));

            JsonNode dl = hb.getJson("/api/v1/dead-letters?provider=oura");
            assertThat(dl.get("total").asInt()).isEqualTo(1);
            JsonNode letter = dl.get("dead_letters").get(0);
            assertThat(letter.get("reason").asText()).contains("not an ISO-8601 time with offset");
            assertThat(letter.get("raw_excerpt").asText()).contains("2026-11-20T06:15:00");
            JsonNode whole = hb.getJson("/api/v1/dead-letters/" + letter.get("id").asText());
            assertThat(whole.get("raw").get("timestamp").asText()).isEqualTo("2026-11-20T06:15:00");
            assertThat(letter.get("dataset").asText()).isEqualTo("heartrate");
            assertThat(letter.get("stage").asText()).isEqualTo("mapping");

            assertThat(metric(hb, "healthbridge_events_published_total", "provider=\"oura\"",
                    "type=\"health.heart_rate\"")).isEqualTo(3.0);
            assertThat(metric(hb, "healthbridge_dead_letters_total", "provider=\"oura\"",
                    "reason=\"mapping_error\"")).isEqualTo(1.0);
        }
    }

    @Test
    void aStreamedPayloadIsReadOnceAndABrokenOneKeepsItsRawText() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            ProducerTemplate producer = hb.runtime().context().createProducerTemplate();
            Map<String, Object> headers = Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET,
                    "heartrate", HealthbridgeHeaders.USER_ID, "user-7", HealthbridgeHeaders.PROVIDER_USER_ID, "oura-7");
            byte[] good = Files.readAllBytes(FIXTURES.resolve("oura/realistic/heartrate.json"));
            // a request body arrives as a stream: parsed from its bytes, not through a String
            IngestSummary s = producer.requestBodyAndHeaders("direct:ingest", new java.io.ByteArrayInputStream(good),
                    headers, IngestSummary.class);
            assertThat(s.published()).isEqualTo(3);

            String truncated = "{\"data\":[{\"timestamp\":\"2026-11-20T06:15:00+01:00\",\"bpm\":5";
            IngestSummary broken = producer.requestBodyAndHeaders("direct:ingest",
                    new java.io.ByteArrayInputStream(truncated.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    headers, IngestSummary.class);
            assertThat(broken.deadLettered()).isEqualTo(1);
            IngestSummary blank = producer.requestBodyAndHeaders("direct:ingest",
                    new java.io.ByteArrayInputStream(" \n\t ".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    headers, IngestSummary.class);
            assertThat(blank.deadLettered()).isEqualTo(1);

            // the fixture's record without an offset, the truncated payload, the blank one
            JsonNode letters = hb.getJson("/api/v1/dead-letters?provider=oura").get("dead_letters");
            assertThat(letters).hasSize(3);
            List<String> raws = new java.util.ArrayList<>();
            for (JsonNode l : letters) {
                raws.add(hb.getJson("/api/v1/dead-letters/" + l.get("id").asText()).get("raw").asText());
            }
            assertThat(raws).contains(truncated, " \n\t ");
            assertThat(letters.findValuesAsText("reason")).anySatisfy(r -> assertThat(r).contains("empty provider payload"));
        }
    }

    @Test
    void theSamePayloadTwicePublishesOnceAlsoAcrossARestart() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            IngestSummary first = ingest(hb, "oura", "sleep", "oura/realistic/sleep.json");
            assertThat(first.published()).isEqualTo(4);
            IngestSummary second = ingest(hb, "oura", "sleep", "oura/realistic/sleep.json");
            assertThat(second.published()).isZero();
            assertThat(second.duplicates()).isEqualTo(4);
            assertThat(metric(hb, "healthbridge_events_duplicate_total", "type=\"health.sleep_session\"")).isEqualTo(1.0);
        }
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            IngestSummary third = ingest(hb, "oura", "sleep", "oura/realistic/sleep.json");
            assertThat(third.published()).isZero();
            assertThat(third.duplicates()).isEqualTo(4);
            EventStore store = hb.runtime().context().getRegistry().lookupByNameAndType("eventStore", EventStore.class);
            assertThat(store.count()).isEqualTo(4);
        }
    }

    @Test
    void aRevisedRecordIsANewEventWithTheSameKey() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            ingest(hb, "oura", "daily_activity", "oura/realistic/daily_activity.json");
            Path revised = work.resolve("revised.json");
            Files.writeString(revised, Files.readString(FIXTURES.resolve("oura/realistic/daily_activity.json"))
                    .replace("\"steps\":11250", "\"steps\":12004"));
            ProducerTemplate producer = hb.runtime().context().createProducerTemplate();
            IngestSummary s = producer.requestBodyAndHeaders("direct:ingest", Files.readString(revised), Map.of(
                    HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "daily_activity",
                    HealthbridgeHeaders.USER_ID, "user-42", HealthbridgeHeaders.PROVIDER_USER_ID, "oura-abc"),
                    IngestSummary.class);
            assertThat(s.published()).isEqualTo(1);
            JsonNode events = hb.getJson("/api/v1/events?type=health.daily_activity").get("events");
            assertThat(events).hasSize(2);
            JsonNode a = events.get(0).get("event");
            JsonNode b = events.get(1).get("event");
            assertThat(a.get("id").asText()).isNotEqualTo(b.get("id").asText());
            assertThat(a.get("data").get("key").asText()).isEqualTo(b.get("data").get("key").asText());
            assertThat(b.get("data").get("steps").get("value").asInt()).isEqualTo(12004);
        }
    }

    @Test
    void anEventThatBreaksItsSchemaIsDeadLetteredWithTheReason() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            MappingContext ctx = new MappingContext("oura", "user-42", null, java.time.Instant.now(), null);
            CanonicalEvent bad = EventBuilder.of(DataType.BODY_FAT, ctx)
                    .at(java.time.OffsetDateTime.parse("2026-11-20T07:00:00+01:00")).value(140, "%").build();
            hb.runtime().context().createProducerTemplate().sendBody("direct:publish", bad);
            JsonNode dl = hb.getJson("/api/v1/dead-letters").get("dead_letters").get(0);
            assertThat(dl.get("stage").asText()).isEqualTo("validation");
            assertThat(dl.get("reason_code").asText()).isEqualTo("schema_invalid");
            assertThat(dl.get("reason").asText()).contains("100");
            assertThat(hb.getJson("/api/v1/events").get("events")).isEmpty();
        }
    }
}
