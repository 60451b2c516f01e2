package io.healthbridge.event;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.provider.MapperRegistry;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter is replayed after the fix: still broken answers 422 and keeps it open, fixed publishes it. */
class DeadLetterReplayTest {

    @TempDir
    Path work;

    /** A mapper that refuses records until it is "fixed". */
    static final class FlakyMapper implements ProviderMapper {
        final AtomicBoolean fixed = new AtomicBoolean();

        @Override
        public String provider() {
            return "acme";
        }

        @Override
        public Set<String> datasets() {
            return Set.of("weights");
        }

        @Override
        public List<com.fasterxml.jackson.databind.JsonNode> records(String dataset, JsonNode payload) {
            return io.healthbridge.provider.Records.arrayOrField(payload, "items");
        }

        @Override
        public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
            if (!fixed.get()) {
                throw new MappingException("unknown unit 'stone'");
            }
            return List.of(EventBuilder.of(DataType.BODY_WEIGHT, ctx).raw(r).sourceRecordId(r.get("id").asText())
                    .at(java.time.OffsetDateTime.parse(r.get("at").asText()))
                    .value(r.get("stone").decimalValue().multiply(new java.math.BigDecimal("6.35029")), "kg").build());
        }
    }

    @Test
    void replayPublishesOnlyOnceTheRecordMaps() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            FlakyMapper mapper = new FlakyMapper();
            hb.runtime().context().getRegistry().lookupByNameAndType("mapperRegistry", MapperRegistry.class).register(mapper);
            hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest",
                    "{\"items\":[{\"id\":\"w1\",\"at\":\"2026-11-20T07:00:00+01:00\",\"stone\":11.5}]}",
                    Map.of(HealthbridgeHeaders.PROVIDER, "acme", HealthbridgeHeaders.DATASET, "weights",
                            HealthbridgeHeaders.USER_ID, "u1"));
            String id = hb.getJson("/api/v1/dead-letters?provider=acme").get("dead_letters").get(0).get("id").asText();

            HttpResponse<String> stillBroken = post(hb, "/api/v1/dead-letters/" + id + "/replay");
            assertThat(stillBroken.statusCode()).isEqualTo(422);
            assertThat(stillBroken.body()).contains("\"code\":\"VAL_001\"").contains("unknown unit 'stone'");
            assertThat(hb.getJson("/api/v1/dead-letters/" + id).get("status").asText()).isEqualTo("open");

            mapper.fixed.set(true);
            HttpResponse<String> replayed = post(hb, "/api/v1/dead-letters/" + id + "/replay");
            assertThat(replayed.statusCode()).isEqualTo(200);
            JsonNode events = hb.getJson("/api/v1/events?provider=acme").get("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("event").get("data").get("value").get("value").decimalValue())
                    .isEqualByComparingTo("73.028");
            assertThat(hb.getJson("/api/v1/dead-letters/" + id).get("status").asText()).isEqualTo("replayed");

            assertThat(post(hb, "/api/v1/dead-letters/" + id + "/replay").statusCode()).isEqualTo(422);
            assertThat(post(hb, "/api/v1/dead-letters/nope/replay").statusCode()).isEqualTo(404);
        }
    }

    static HttpResponse<String> post(RunningHealthbridge hb, String path) throws Exception {
        return hb.send(HttpRequest.newBuilder(hb.uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }
}
