package io.healthbridge.event;

import java.util.List;

/** A canonical event that breaks its JSON schema. */
public class EventValidationException extends RuntimeException {

    private final transient CanonicalEvent event;
    private final List<String> errors;

    public EventValidationException(CanonicalEvent event, List<String> errors) {
        super(event.type() + " " + event.id() + " breaks its schema: " + String.join("; ", errors));
        this.event = event;
        this.errors = List.copyOf(errors);
    }

    public CanonicalEvent getEvent() {
        return event;
    }

    public List<String> getErrors() {
        return errors;
    }
}
