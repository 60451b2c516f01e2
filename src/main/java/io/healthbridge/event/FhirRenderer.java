package io.healthbridge.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Renders canonical events as HL7 FHIR R4 Observations with HAPI FHIR's R4 model: LOINC code where the type has one,
 * UCUM quantities, the measurement period, and blood pressure and sleep stages as components.
 */
public final class FhirRenderer {

    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String TYPE_SYSTEM = CanonicalEvent.SCHEMA_BASE + "data-type";
    private static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";

    private static volatile FhirContext fhir;

    private FhirRenderer() {
    }

    /** HAPI's context is expensive to build: once, on first use. */
    private static FhirContext fhir() {
        if (fhir == null) {
            synchronized (FhirRenderer.class) {
                if (fhir == null) {
                    fhir = FhirContext.forR4();
                }
            }
        }
        return fhir;
    }

    /**
     * A tombstone as the Observation it takes back: the deleted event's id and code, {@code entered-in-error}, every
     * event id published under the measurement's key as an identifier.
     */
    private static Observation deleted(CanonicalEvent event) {
        JsonNode d = event.data();
        JsonNode what = d.path("deleted");
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
        for (JsonNode id : what.path("ids")) {
            if (o.getIdElement().isEmpty()) {
                o.setId(id.asText());
            }
            o.addIdentifier(new Identifier().setSystem("urn:healthbridge:event").setValue(id.asText()));
        }
        o.addIdentifier(new Identifier().setSystem("urn:healthbridge:key").setValue(d.path("key").asText()));
        CodeableConcept code = new CodeableConcept();
        DataType.fromId(what.path("data_type").asText()).ifPresent(t -> {
            if (t.loinc() != null) {
                code.addCoding(new Coding(Loinc.SYSTEM, t.loinc().code(), t.loinc().display()));
            }
        });
        code.addCoding(new Coding(TYPE_SYSTEM, what.path("data_type").asText(), null));
        o.setCode(code);
        o.setSubject(new Reference().setIdentifier(new Identifier().setSystem("urn:healthbridge:user")
                .setValue(event.subject())));
        o.setIssued(Date.from(Instant.parse(d.path("deleted_at").asText())));
        o.addNote().setText(d.path("reason").asText() + (d.hasNonNull("signal") ? ": " + d.get("signal").asText() : ""));
        return o;
    }

    public static String toJson(CanonicalEvent event) {
        IParser parser = fhir().newJsonParser();
        return parser.encodeResourceToString(toObservation(event));
    }

    /**
     * A FHIR transaction Bundle of the events' Observations, each a {@code PUT Observation/<event id>}: sent twice, it
     * leaves the server as sent once. A tombstone's entry marks the deleted Observation {@code entered-in-error}.
     */
    public static String transactionBundle(List<CanonicalEvent> events) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.TRANSACTION);
        for (CanonicalEvent e : events) {
            Observation o = toObservation(e);
            String id = o.getIdElement().getIdPart();
            bundle.addEntry().setFullUrl("Observation/" + id).setResource(o).getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation/" + id);
        }
        return fhir().newJsonParser().encodeResourceToString(bundle);
    }

    public static Observation toObservation(CanonicalEvent event) {
        if (event.dataType() == DataType.DELETED) {
            return deleted(event);
        }
        JsonNode d = event.data();
        DataType type = event.dataType();
        Observation o = new Observation();
        o.setId(event.id());
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addIdentifier(new Identifier().setSystem("urn:healthbridge:event").setValue(event.id()));
        String category = switch (type) {
            case HEART_RATE, RESTING_HEART_RATE, OXYGEN_SATURATION, RESPIRATORY_RATE, BODY_TEMPERATURE, BODY_WEIGHT,
                    BODY_HEIGHT, BODY_MASS_INDEX, BLOOD_PRESSURE -> "vital-signs";
            // a scale's estimate: FHIR's "exam" is findings with simple instruments
            case BODY_FAT, LEAN_BODY_MASS, FAT_MASS, MUSCLE_MASS, BONE_MASS, BODY_WATER, PULSE_WAVE_VELOCITY,
                    VASCULAR_AGE -> "exam";
            case BLOOD_GLUCOSE -> "laboratory";
            default -> "activity";
        };
        o.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, category, null)));
        CodeableConcept code = new CodeableConcept();
        Loinc loinc = type == DataType.HEART_RATE_VARIABILITY && "sdnn".equals(d.path("method").asText())
                ? DataType.HRV_SDNN : type.loinc();
        if (loinc != null) {
            code.addCoding(new Coding(Loinc.SYSTEM, loinc.code(), loinc.display()));
        }
        code.addCoding(new Coding(TYPE_SYSTEM, type.id(), null));
        code.setText(type.id().replace('_', ' '));
        o.setCode(code);
        o.setSubject(new Reference().setIdentifier(new Identifier().setSystem("urn:healthbridge:user")
                .setValue(event.subject())));
        String start = d.path("start").asText(null);
        String end = d.path("end").asText(null);
        if (start != null && start.equals(end)) {
            o.setEffective(new DateTimeType(start));
        } else if (start != null) {
            o.setEffective(new Period().setStartElement(new DateTimeType(start)).setEndElement(new DateTimeType(end)));
        }
        JsonNode prov = d.path("provenance");
        if (prov.hasNonNull("fetched_at")) {
            o.setIssued(Date.from(Instant.parse(prov.get("fetched_at").asText())));
        }
        if (prov.path("device").hasNonNull("name")) {
            o.setDevice(new Reference().setDisplay(prov.path("device").get("name").asText()));
        }
        switch (type) {
            case BLOOD_PRESSURE -> {
                component(o, DataType.SYSTOLIC, d.get("systolic"));
                component(o, DataType.DIASTOLIC, d.get("diastolic"));
            }
            case HEART_RATE -> {
                BigDecimal avg = d.hasNonNull("avg") ? d.get("avg").decimalValue() : null;
                if (avg != null) {
                    o.setValue(quantity(avg, "/min"));
                }
            }
            case SLEEP_SESSION -> {
                o.setValue(quantity(d.get("duration")));
                for (JsonNode stage : d.path("stages")) {
                    Observation.ObservationComponentComponent c = o.addComponent();
                    CodeableConcept cc = new CodeableConcept().setText(stage.path("stage").asText());
                    if (stage.has("code")) {
                        cc.addCoding(new Coding(Loinc.SYSTEM, stage.get("code").get("code").asText(),
                                stage.get("code").path("display").asText(null)));
                    }
                    c.setCode(cc);
                    c.setValue(quantity(stage.get("duration")));
                }
            }
            case WORKOUT, DAILY_ACTIVITY -> {
                for (String field : new String[] { "duration", "steps", "distance", "energy", "active_energy",
                        "total_energy", "active_duration" }) {
                    if (d.has(field)) {
                        o.addComponent().setCode(new CodeableConcept().setText(field)).setValue(quantity(d.get(field)));
                    }
                }
                if (d.has("sport")) {
                    o.addComponent().setCode(new CodeableConcept().setText("sport"))
                            .setValue(new StringType(d.get("sport").asText()));
                }
            }
            case NUTRITION -> {
                if (d.has("value")) {
                    o.setValue(quantity(d.get("value")));
                }
                d.path("nutrients").properties().forEach(n -> o.addComponent()
                        .setCode(new CodeableConcept().setText(n.getKey())).setValue(quantity(n.getValue())));
            }
            case MENSTRUATION_FLOW -> o.setValue(new CodeableConcept().setText(d.path("flow").asText()));
            default -> {
                if (d.has("value")) {
                    o.setValue(quantity(d.get("value")));
                }
            }
        }
        return o;
    }

    private static void component(Observation o, Loinc code, JsonNode q) {
        if (q != null) {
            o.addComponent().setCode(new CodeableConcept(new Coding(Loinc.SYSTEM, code.code(), code.display())))
                    .setValue(quantity(q));
        }
    }

    private static Quantity quantity(JsonNode q) {
        return quantity(q.get("value").decimalValue(), q.get("unit").asText());
    }

    private static Quantity quantity(BigDecimal value, String unit) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(UCUM).setCode(unit);
    }
}
