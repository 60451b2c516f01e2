package io.healthbridge.provider.declarative;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.MapperGoldenTest;
import io.healthbridge.provider.PayloadRun;
import io.healthbridge.provider.ProviderMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped Dexcom route file's JSONata mapping on the EGV records Dexcom documents beside the plain one. */
class DexcomMappingTest {

    static PayloadRun run(String records) throws Exception {
        ProviderMapper mapper = RouteFileProviders.mapper(Path.of("routes/providers/dexcom.camel.yaml"));
        JsonNode payload = EventJson.read("{\"recordType\":\"egv\",\"recordVersion\":\"3.0\",\"records\":[" + records + "]}");
        MappingContext c = MapperGoldenTest.CONTEXT;
        return PayloadRun.of(mapper, "egvs", payload,
                new MappingContext("dexcom", c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
    }

    static String egv(String value, String status, String displayTime, String systemTime) {
        return "{\"recordId\":\"r-" + displayTime.hashCode() + "\",\"systemTime\":\"" + systemTime + "\",\"displayTime\":\""
               + displayTime + "\",\"value\":" + value + ",\"status\":" + status + ",\"trend\":\"flat\",\"unit\":\"mg/dL\","
               + "\"displayDevice\":\"receiver\",\"transmitterGeneration\":\"g6\"}";
    }

    @Test
    void aReadingBeyondTheSensorsRangeIsSkippedWithItsReasonNotPublished() throws Exception {
        PayloadRun run = run(egv("null", "\"high\"", "2025-01-30T15:49:55-08:00", "2025-01-30T23:49:55Z") + ","
                             + egv("null", "\"low\"", "2025-01-30T15:54:55-08:00", "2025-01-30T23:54:55Z"));
        assertThat(run.events).isEmpty();
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.summary.skippedByReason()).containsEntry("glucose_above_sensor_range", 1)
                .containsEntry("glucose_below_sensor_range", 1);
    }

    @Test
    void aReceiverRecordWithoutAnOffsetTakesItsTimeFromSystemTime() throws Exception {
        PayloadRun run = run(egv("101", "null", "2025-01-30T15:49:55", "2025-01-30T23:49:55"));
        assertThat(run.deadLetters).isEmpty();
        assertThat(run.events).hasSize(1);
        assertThat(run.events.get(0).data().get("start").asText()).isEqualTo("2025-01-30T23:49:55Z");
        PayloadRun app = run(egv("101", "null", "2025-01-30T15:49:55-08:00", "2025-01-30T23:49:55Z"));
        assertThat(app.events.get(0).data().get("start").asText()).isEqualTo("2025-01-30T15:49:55-08:00");
    }
    @Test
    void everyEventTypeIsAnEventACountedSkipOrADeadLetter() throws Exception {
        ProviderMapper mapper = RouteFileProviders.mapper(Path.of("routes/providers/dexcom.camel.yaml"));
        JsonNode payload = EventJson.MAPPER.readTree(Path.of("src/test/resources/fixtures/dexcom/events.json").toFile());
        MappingContext c = MapperGoldenTest.CONTEXT;
        PayloadRun run = PayloadRun.of(mapper, "events", payload,
                new MappingContext("dexcom", c.userId(), c.providerUserId(), c.fetchedAt(), c.zone()));
        assertThat(run.events).extracting(e -> e.type()).containsExactly("health.insulin_dose", "health.nutrition",
                "health.workout", "health.workout", "health.blood_glucose");
        assertThat(run.events.get(0).data().at("/value/unit").asText()).isEqualTo("[iU]");
        assertThat(run.events.get(1).data().at("/nutrients/total_carbohydrate/value").asInt()).isEqualTo(52);
        // a receiver's exercise: UTC from systemTime, 45 minutes long
        assertThat(run.events.get(2).data().get("start").asText()).isEqualTo("2026-11-20T17:00:00Z");
        assertThat(run.events.get(2).data().at("/duration/value").asInt()).isEqualTo(2700);
        assertThat(run.events.get(2).data().get("end").asText()).isEqualTo("2026-11-20T17:45:00Z");
        // an app's: 20 minutes at the app's offset, start and end alike
        assertThat(run.events.get(3).data().get("start").asText()).isEqualTo("2026-11-21T07:30:00+01:00");
        assertThat(run.events.get(3).data().get("end").asText()).isEqualTo("2026-11-21T07:50:00+01:00");
        assertThat(run.summary.skippedByReason()).containsEntry("health_event_not_mapped", 1)
                .containsEntry("note_not_a_measurement", 1).containsEntry("deleted_at_provider", 1);
        assertThat(run.deadLetters).singleElement().satisfies(d -> assertThat(d.toString()).contains("mg/dL"));
    }
}
