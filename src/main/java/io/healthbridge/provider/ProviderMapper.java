package io.healthbridge.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.MappingContext;

/**
 * Turns one provider's payloads into canonical events. A payload is split into records first, and each record is
 * mapped on its own, so one bad record never stops the rest of its batch.
 */
public interface ProviderMapper {

    /** Provider id: {@code oura}, {@code withings}, … */
    String provider();

    /** The datasets (the provider's endpoints or summary kinds) this mapper understands. */
    Set<String> datasets();

    /** Splits a provider response of {@code dataset} into its records. */
    List<JsonNode> records(String dataset, JsonNode payload);

    /**
     * Maps one record. A record left out on purpose (a deleted or unscored one) throws {@link RecordSkipped} with its
     * reason; an empty list is counted as a skip too ({@link RecordSkipped#NO_MEASUREMENT}).
     *
     * @throws RecordSkipped    the record is left out on purpose
     * @throws RuntimeException (usually {@link io.healthbridge.event.MappingException}) saying why it cannot be mapped
     */
    List<CanonicalEvent> mapRecord(String dataset, JsonNode record, MappingContext context);

    /** Maps every record of a payload, each on its own. */
    default List<MappedRecord> map(String dataset, JsonNode payload, MappingContext context) {
        if (!datasets().contains(dataset)) {
            throw new IllegalArgumentException(provider() + " has no dataset '" + dataset + "'; known: " + datasets());
        }
        List<MappedRecord> out = new ArrayList<>();
        for (JsonNode record : records(dataset, payload)) {
            try {
                out.add(MappedRecord.ok(record, mapRecord(dataset, record, context)));
            } catch (RecordDeleted e) {
                out.add(MappedRecord.deleted(record, e));
            } catch (RecordSkipped e) {
                out.add(MappedRecord.skipped(record, e.reason(), e.getMessage()));
            } catch (RuntimeException e) {
                out.add(MappedRecord.failed(record, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        return out;
    }
}
