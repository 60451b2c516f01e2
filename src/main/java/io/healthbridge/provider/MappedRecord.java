package io.healthbridge.provider;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;

/**
 * What one provider record became: its events, or the reason it could not be mapped.
 *
 * @param raw    the provider record as received
 * @param events canonical events (may be empty: a record with nothing to say, such as a deleted or unscored one)
 * @param error  why the record could not be mapped, else null
 */
public record MappedRecord(JsonNode raw, List<CanonicalEvent> events, String error) {

    public static MappedRecord ok(JsonNode raw, List<CanonicalEvent> events) {
        return new MappedRecord(raw, List.copyOf(events), null);
    }

    public static MappedRecord failed(JsonNode raw, String error) {
        return new MappedRecord(raw, List.of(), error);
    }

    public boolean isFailed() {
        return error != null;
    }
}
