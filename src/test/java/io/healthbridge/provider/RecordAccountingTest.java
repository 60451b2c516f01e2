package io.healthbridge.provider;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.Payloads;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.provider.garmin.GarminMapper;
import io.healthbridge.provider.oura.OuraMapper;
import io.healthbridge.provider.whoop.WhoopMapper;
import io.healthbridge.provider.withings.WithingsMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record of every fixture is accounted for: it ends as published events, dead letters or a skip counted with
 * its reason; a payload that carries data never comes out as nothing.
 */
class RecordAccountingTest {

    static Stream<Arguments> fixtures() {
        return MapperGoldenTest.samples();
    }

    static PayloadRun run(ProviderMapper mapper, String dataset, JsonNode payload) {
        MappingContext c = MapperGoldenTest.CONTEXT;
        return PayloadRun.of(mapper, dataset, payload, new MappingContext(mapper.provider(), c.userId(),
                c.providerUserId(), c.fetchedAt(), c.zone()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyRecordIsAccountedFor(String sample, String dataset) throws IOException {
        ProviderMapper mapper = MapperGoldenTest.MAPPERS.get(sample.substring(0, sample.indexOf('/')));
        JsonNode payload = EventJson.MAPPER.readTree(MapperGoldenTest.FIXTURES.resolve(sample).toFile());
        PayloadRun run = run(mapper, dataset, payload);

        int mappingDeadLetters = 0;
        int skipped = 0;
        int eventsOfRecords = 0;
        for (MappedRecord r : run.records) {
            assertThat(r.isFailed() || r.isSkipped() || !r.events().isEmpty()).as("a record with no outcome").isTrue();
            mappingDeadLetters += r.isFailed() ? 1 : 0;
            skipped += r.isSkipped() ? 1 : 0;
            eventsOfRecords += r.events().size();
        }
        long validationDeadLetters = run.deadLetters.stream().filter(d -> "validation".equals(d.stage())).count();
        if (run.records.isEmpty()) {
            // the payload itself was refused: one dead letter for all of it, or a true empty answer
            assertThat(run.deadLetters.size()).isEqualTo(Payloads.carriesData(payload) ? 1 : 0);
        } else {
            assertThat(run.summary.records()).isEqualTo(run.records.size());
            assertThat(run.deadLetters.size() - validationDeadLetters).isEqualTo(mappingDeadLetters);
            assertThat(run.events.size() + validationDeadLetters).as("events published or dead-lettered")
                    .isEqualTo(eventsOfRecords);
            assertThat(run.summary.skipped()).isEqualTo(skipped);
        }
        double counted = run.meters.find("healthbridge.records.skipped").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertThat(counted).as("skips in the metric").isEqualTo(run.summary.skipped());
        if (Payloads.carriesData(payload)) {
            assertThat(run.events.size() + run.deadLetters.size() + run.skipped()).as(sample + " came out as nothing")
                    .isPositive();
        }
    }

    /** Payloads of the wrong shape for their dataset: records under another key, a single object, a lone list. */
    @Test
    void aPayloadWhoseRecordsAreNotWhereTheDatasetKeepsThemIsADeadLetter() {
        Map<JsonNode, Map.Entry<ProviderMapper, String>> cases = Map.of(
                EventJson.read("{\"epochs\":[{\"summaryId\":\"e1\",\"steps\":10}]}"),
                Map.entry(new GarminMapper(), "dailies"),
                EventJson.read("{\"items\":[{\"bpm\":60,\"source\":\"rest\",\"timestamp\":\"2026-11-20T06:00:00+01:00\"}]}"),
                Map.entry(new OuraMapper(), "heartrate"),
                EventJson.read("{\"status\":0,\"body\":{\"series\":[{\"heart_rate\":82,\"timestamp\":1594159644}]}}"),
                Map.entry(new WithingsMapper(), "getintradayactivity"),
                EventJson.read("{\"record\":{\"id\":\"x\",\"score_state\":\"SCORED\"}}"),
                Map.entry(new WhoopMapper(), "sleep"));
        cases.forEach((payload, target) -> {
            PayloadRun run = run(target.getKey(), target.getValue(), payload);
            assertThat(run.events).as(payload.toString()).isEmpty();
            assertThat(run.deadLetters).as(payload.toString()).hasSize(1);
            assertThat(run.deadLetters.get(0).reasonCode()).isIn(EventPipeline.REASON_PAYLOAD,
                    EventPipeline.REASON_MAPPING);
        });
    }

    @Test
    void anEmptyAnswerIsATrueZero() {
        PayloadRun run = run(new OuraMapper(), "heartrate", EventJson.read("{\"data\":[],\"next_token\":null}"));
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).isEmpty();
        PayloadRun garmin = run(new GarminMapper(), "dailies", EventJson.read("[]"));
        assertThat(garmin.deadLetters).isEmpty();
    }
}
