package io.healthbridge.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Canonical events as FHIR R4 Observations, read back with HAPI's parser. */
class FhirRendererTest {

    static final MappingContext CTX = new MappingContext("garmin", "u1", null, Instant.parse("2026-11-20T08:00:00Z"), null);

    static Observation roundTrip(CanonicalEvent e) {
        return FhirContext.forR4Cached().newJsonParser().parseResource(Observation.class, FhirRenderer.toJson(e));
    }

    @Test
    void bloodPressureHasSystolicAndDiastolicComponents() {
        CanonicalEvent bp = EventBuilder.of(DataType.BLOOD_PRESSURE, CTX)
                .at(OffsetDateTime.parse("2026-11-20T07:00:00-05:00"))
                .quantity("systolic", 121, "mm[Hg]").quantity("diastolic", 79, "mm[Hg]").build();
        Observation o = roundTrip(bp);
        assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("85354-9");
        assertThat(o.getComponent()).extracting(c -> c.getCode().getCodingFirstRep().getCode())
                .containsExactly("8480-6", "8462-4");
        Quantity sys = o.getComponentFirstRep().getValueQuantity();
        assertThat(sys.getValue()).isEqualByComparingTo(new BigDecimal("121"));
        assertThat(sys.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(sys.getCode()).isEqualTo("mm[Hg]");
        assertThat(o.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-11-20T07:00:00-05:00");
        assertThat(o.getSubject().getIdentifier().getValue()).isEqualTo("u1");
        assertThat(o.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
    }

    @Test
    void weightIsAValueQuantityInKilograms() {
        CanonicalEvent w = EventBuilder.of(DataType.BODY_WEIGHT, CTX).at(OffsetDateTime.parse("2026-11-20T07:00:00Z"))
                .value(75450, "g").build();
        Observation o = roundTrip(w);
        assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("29463-7");
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("75.45");
        assertThat(o.getValueQuantity().getCode()).isEqualTo("kg");
        assertThat(o.getIdentifierFirstRep().getValue()).isEqualTo(w.id());
    }

    @Test
    void heightAndBodyMassIndexAreVitalSignsWithTheirLoincCodesAndBodyCompositionAnExam() {
        OffsetDateTime at = OffsetDateTime.parse("2026-11-20T07:00:00Z");
        Observation height = roundTrip(EventBuilder.of(DataType.BODY_HEIGHT, CTX).at(at).value(1.8288, "m").build());
        assertThat(height.getCode().getCodingFirstRep().getCode()).isEqualTo("8302-2");
        assertThat(height.getValueQuantity().getValue()).isEqualByComparingTo("1.8288");
        assertThat(height.getValueQuantity().getCode()).isEqualTo("m");
        assertThat(height.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
        Observation bmi = roundTrip(EventBuilder.of(DataType.BODY_MASS_INDEX, CTX).at(at).value(23.2, "kg/m2").build());
        assertThat(bmi.getCode().getCodingFirstRep().getCode()).isEqualTo("39156-5");
        assertThat(bmi.getValueQuantity().getCode()).isEqualTo("kg/m2");
        assertThat(bmi.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
        Observation muscle = roundTrip(EventBuilder.of(DataType.MUSCLE_MASS, CTX).at(at).value(25478, "g").build());
        // no established LOINC code: the Healthbridge type alone names it
        assertThat(muscle.getCode().getCoding()).extracting(c -> c.getCode()).containsExactly("muscle_mass");
        assertThat(muscle.getValueQuantity().getValue()).isEqualByComparingTo("25.478");
        assertThat(muscle.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("exam");
    }
}
