package io.healthbridge.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.ingest.EventPipeline;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each invariant fed an event that breaks it, and the event that keeps it; the publish path's check refuses the first. */
class InvariantsTest {

    static final MappingContext CTX = new MappingContext("garmin", "user-1", "p-1", Instant.parse("2026-11-24T10:00:00Z"),
            ZoneId.of("Europe/Berlin"));
    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-11-20T23:00:00+01:00");
    static final SchemaRegistry SCHEMAS = new SchemaRegistry();

    static CanonicalEvent sleep() {
        return EventBuilder.of(DataType.SLEEP_SESSION, CTX).sourceRecordId("s1").interval(T0, T0.plusHours(8))
                .quantity("duration", 25200, "s").quantity("time_in_bed", 28800, "s")
                .put("stages", EventJson.MAPPER.valueToTree(List.of(
                        stage("deep", 7200), stage("light", 12600), stage("rem", 5400), stage("awake", 3600))))
                .put("segments", EventJson.MAPPER.valueToTree(List.of(
                        segment("light", T0, T0.plusHours(3)), segment("deep", T0.plusHours(3), T0.plusHours(8)))))
                .build();
    }

    static ObjectNode stage(String stage, long seconds) {
        ObjectNode s = EventJson.object().put("stage", stage);
        s.putObject("duration").put("value", seconds).put("unit", "s");
        return s;
    }

    static ObjectNode segment(String stage, OffsetDateTime from, OffsetDateTime to) {
        return EventJson.object().put("stage", stage).put("start", EventBuilder.format(from))
                .put("end", EventBuilder.format(to));
    }

    static CanonicalEvent point(DataType type, String value) {
        return EventBuilder.of(type, CTX).sourceRecordId("p").at(T0).value(new BigDecimal(value), type.unit()).build();
    }

    static List<String> broken(CanonicalEvent e) {
        return Invariants.check(e).stream().map(Invariants.Violation::invariant).toList();
    }

    static CanonicalEvent changed(CanonicalEvent e, Consumer<ObjectNode> change) {
        change.accept(e.data());
        return e;
    }

    @Test
    void validEventsKeepEveryInvariant() {
        assertThat(broken(sleep())).isEmpty();
        assertThat(broken(point(DataType.HEART_RATE, "58"))).isEmpty();
        assertThat(broken(point(DataType.OXYGEN_SATURATION, "97"))).isEmpty();
        assertThat(SCHEMAS.validate(sleep())).isEmpty();
    }

    @Test
    void endBeforeStart() {
        assertThat(broken(changed(point(DataType.STEPS, "10"), d -> d.put("end", "2026-11-20T22:00:00+01:00"))))
                .contains(Invariants.INTERVAL_ORDERED);
    }

    @Test
    void sampleOutsideItsEvent() {
        CanonicalEvent e = changed(point(DataType.OXYGEN_SATURATION, "93"), d -> ((ArrayNode) d.putArray("samples"))
                .addObject().put("time", "2026-11-21T15:29:00+01:00").put("value", 93));
        assertThat(broken(e)).containsExactly(Invariants.SAMPLES_INSIDE);
    }

    @Test
    void sleepDurationThatIsNotTheSumOfItsAsleepStages() {
        // the awake time counted as sleep: what a sleep window reported as time asleep looks like
        CanonicalEvent e = changed(sleep(), d -> ((ObjectNode) d.get("duration")).put("value", 28800));
        assertThat(broken(e)).contains(Invariants.SLEEP_STAGES_SUM);
    }

    @Test
    void sleepLongerThanItsSession() {
        CanonicalEvent e = changed(sleep(), d -> ((ObjectNode) d.get("time_in_bed")).put("value", 30272));
        assertThat(broken(e)).containsExactly(Invariants.SLEEP_INSIDE);
    }

    @Test
    void segmentOutsideTheSession() {
        CanonicalEvent e = changed(sleep(), d -> ((ArrayNode) d.get("segments"))
                .add(segment("light", T0.plusHours(8), T0.plusHours(9))));
        assertThat(broken(e)).containsExactly(Invariants.SEGMENTS_INSIDE);
    }

    @Test
    void overlappingSegments() {
        CanonicalEvent e = changed(sleep(), d -> ((ArrayNode) d.get("segments"))
                .add(segment("rem", T0.plusHours(2), T0.plusHours(4))));
        assertThat(broken(e)).containsExactly(Invariants.SEGMENTS_DISJOINT);
    }

    @Test
    void valuesOutsidePhysiologicalRanges() {
        assertThat(broken(point(DataType.HEART_RATE, "0"))).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        assertThat(broken(point(DataType.OXYGEN_SATURATION, "0.97"))).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        assertThat(broken(point(DataType.BODY_WEIGHT, "751.732"))).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        assertThat(broken(point(DataType.BODY_TEMPERATURE, "98.6"))).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        assertThat(broken(point(DataType.HEART_RATE_VARIABILITY, "-1"))).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        assertThat(broken(point(DataType.BLOOD_GLUCOSE, "5.4"))).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        CanonicalEvent hr = changed(point(DataType.HEART_RATE, "60"), d -> ((ArrayNode) d.putArray("samples"))
                .addObject().put("time", EventBuilder.format(T0)).put("value", -1));
        assertThat(broken(hr)).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
        CanonicalEvent workout = EventBuilder.of(DataType.WORKOUT, CTX).sourceRecordId("w").interval(T0, T0.plusHours(1))
                .put("sport", "running").quantity("duration", 3600, "s")
                .put("heart_rate", EventJson.object().put("unit", "/min").put("avg", 0)).build();
        assertThat(broken(workout)).containsExactly(Invariants.PHYSIOLOGICAL_RANGE);
    }

    @Test
    void bloodPressureUpsideDown() {
        CanonicalEvent bp = EventBuilder.of(DataType.BLOOD_PRESSURE, CTX).sourceRecordId("bp").at(T0)
                .quantity("systolic", 80, "mm[Hg]").quantity("diastolic", 120, "mm[Hg]").build();
        assertThat(broken(bp)).containsExactly(Invariants.SYSTOLIC_ABOVE_DIASTOLIC);
    }

    @Test
    void thePublishStepRefusesAnEventThatBreaksAnInvariant() {
        EventPipeline pipeline = new EventPipeline(null, SCHEMAS, null, null, null);
        assertThat(pipeline.validate(sleep())).isNotNull();
        CanonicalEvent e = changed(sleep(), d -> ((ObjectNode) d.get("duration")).put("value", 28800));
        assertThatThrownBy(() -> pipeline.validate(e)).isInstanceOfSatisfying(EventValidationException.class, x -> {
            assertThat(x.reasonCode()).isEqualTo(EventPipeline.REASON_INVARIANT);
            assertThat(x.getErrors()).anyMatch(m -> m.startsWith(Invariants.SLEEP_STAGES_SUM));
        });
    }
}
