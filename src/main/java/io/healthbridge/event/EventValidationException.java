package io.healthbridge.event;

import java.util.List;

/** A canonical event that breaks its JSON schema or one of the {@link Invariants}. */
public class EventValidationException extends RuntimeException {

    /** The dead-letter reason of an event that breaks its schema. */
    public static final String REASON_SCHEMA = "schema_invalid";

    private final transient CanonicalEvent event;
    private final List<String> errors;
    private final String reasonCode;

    public EventValidationException(CanonicalEvent event, List<String> errors) {
        this(event, errors, REASON_SCHEMA);
    }

    /** @param reasonCode the dead letter's reason code: a schema error or a broken invariant */
    public EventValidationException(CanonicalEvent event, List<String> errors, String reasonCode) {
        super(event.type() + " " + event.id() + " breaks " + (REASON_SCHEMA.equals(reasonCode)
                ? "its schema: " : "an invariant: ") + String.join("; ", errors));
        this.event = event;
        this.errors = List.copyOf(errors);
        this.reasonCode = reasonCode;
    }

    public String reasonCode() {
        return reasonCode;
    }

    public CanonicalEvent getEvent() {
        return event;
    }

    public List<String> getErrors() {
        return errors;
    }
}
