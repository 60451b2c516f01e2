package io.healthbridge.provider;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;

/**
 * What one provider record became: its events, the reason it was skipped on purpose, or the reason it could not be
 * mapped. Exactly one of the three holds.
 *
 * @param raw        the provider record as received
 * @param events     canonical events (empty when skipped or failed)
 * @param error      why the record could not be mapped, else null
 * @param skipReason the reason code of a record skipped on purpose, else null
 * @param skipDetail what the skip means, for a person
 * @param deletion   for a record its provider marks deleted (a skip too), the deletion to apply, else null
 */
public record MappedRecord(JsonNode raw, List<CanonicalEvent> events, String error, String skipReason,
        String skipDetail, Deletion deletion) {

    /** A record's events; a record with none is a skip ({@link RecordSkipped#NO_MEASUREMENT}), never silent. */
    public static MappedRecord ok(JsonNode raw, List<CanonicalEvent> events) {
        if (events.isEmpty()) {
            return skipped(raw, RecordSkipped.NO_MEASUREMENT, "the record carries no measurement");
        }
        return new MappedRecord(raw, List.copyOf(events), null, null, null, null);
    }

    public static MappedRecord failed(JsonNode raw, String error) {
        return new MappedRecord(raw, List.of(), error, null, null, null);
    }

    public static MappedRecord skipped(JsonNode raw, String reason, String detail) {
        return new MappedRecord(raw, List.of(), null, reason, detail, null);
    }

    /** A record its provider marks deleted: skipped ({@link RecordDeleted#REASON}) with the deletion to apply. */
    public static MappedRecord deleted(JsonNode raw, RecordDeleted deleted) {
        return new MappedRecord(raw, List.of(), null, deleted.reason(), deleted.getMessage(), deleted.deletion());
    }

    public boolean isFailed() {
        return error != null;
    }

    public boolean isSkipped() {
        return skipReason != null;
    }
}
