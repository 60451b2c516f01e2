package io.healthbridge.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One tombstone per deleted measurement (key), naming every id published under it; valid and renderable. */
class TombstonesTest {

    static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    static CanonicalEvent weight(String record, String kg) {
        return EventBuilder.of(DataType.BODY_WEIGHT, new MappingContext("withings", "u1", "w1",
                Instant.parse("2026-11-20T08:00:00Z"), null)).sourceRecordId(record).at(EventIdentityTest.AT)
                .value(new BigDecimal(kg), "kg").build();
    }

    @Test
    void aRevisedMeasurementIsOneTombstoneNamingBothIdsAndAnotherRecordIsItsOwn() {
        CanonicalEvent first = weight("grp-1", "70.1");
        CanonicalEvent revised = weight("grp-1", "70.2");
        CanonicalEvent other = weight("grp-2", "71.0");
        List<CanonicalEvent> t = Tombstones.of(List.of(first.toJson(), revised.toJson(), other.toJson()),
                Tombstones.DELETED_AT_PROVIDER, "withings: test", AT);
        assertThat(t).hasSize(2);
        CanonicalEvent one = t.get(0);
        assertThat(one.type()).isEqualTo("health.deleted");
        assertThat(one.key()).isEqualTo(first.key());
        assertThat(one.data().at("/deleted/ids")).extracting(n -> n.asText())
                .containsExactlyInAnyOrder(first.id(), revised.id());
        assertThat(one.data().at("/deleted/type").asText()).isEqualTo("health.body_weight");
        assertThat(one.subject()).isEqualTo("u1");
        assertThat(one.time()).isEqualTo(first.time());
        assertThat(t.get(1).key()).isEqualTo(other.key());
        // no value of the deleted measurement travels in its tombstone
        assertThat(one.toJsonString()).doesNotContain("70.1").doesNotContain("70.2");
    }

    @Test
    void theSameDeletionToldTwiceIsTheSameTombstone() {
        CanonicalEvent e = weight("grp-1", "70.1");
        CanonicalEvent a = Tombstones.of(List.of(e.toJson()), Tombstones.DELETED_AT_PROVIDER, "x", AT).get(0);
        CanonicalEvent b = Tombstones.of(List.of(e.toJson()), Tombstones.DELETED_AT_PROVIDER, "y", AT.plusSeconds(60))
                .get(0);
        assertThat(a.id()).isEqualTo(b.id()).isNotEqualTo(e.id());
    }

    @Test
    void aTombstoneFollowsItsSchemaAndReadsBack() {
        CanonicalEvent t = Tombstones.of(List.of(weight("grp-1", "70.1").toJson()), Tombstones.DELETED_AT_PROVIDER,
                "withings: test", AT).get(0);
        assertThat(new SchemaRegistry().validate(t)).isEmpty();
        assertThat(Invariants.check(t)).isEmpty();
        assertThat(CanonicalEvent.fromJson(t.toJson())).isEqualTo(t);
        t.data().remove("deleted");
        assertThat(new SchemaRegistry().validate(t)).isNotEmpty();
    }

    @Test
    void inFhirATombstoneIsTheObservationEnteredInError() {
        CanonicalEvent e = weight("grp-1", "70.1");
        CanonicalEvent t = Tombstones.of(List.of(e.toJson()), Tombstones.DELETED_AT_PROVIDER, "withings: test", AT)
                .get(0);
        Observation o = FhirRenderer.toObservation(t);
        assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.ENTEREDINERROR);
        assertThat(o.getIdElement().getIdPart()).isEqualTo(e.id());
        assertThat(o.getIdentifier()).extracting(i -> i.getValue()).contains(e.id(), e.key());
        assertThat(o.getCode().getCoding()).extracting(c -> c.getCode()).contains("29463-7", "body_weight");
        assertThat(o.hasValue()).isFalse();
        assertThat(FhirRenderer.toJson(t)).contains("\"status\":\"entered-in-error\"");
    }
}
