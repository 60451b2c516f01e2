package io.healthbridge.provider;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;

/**
 * A provider's word that one of its records is gone: the record's id ({@code provenance.source_record_id} of the
 * events made from it), the canonical types those events can have, and the notification that said so.
 */
public record Deletion(String recordId, List<DataType> types, String signal) {

    public Deletion {
        if (recordId == null || recordId.isBlank()) {
            throw new IllegalArgumentException("a deletion names the record it deletes");
        }
        types = List.copyOf(types);
    }

    public String toJson() {
        ObjectNode n = EventJson.object();
        n.put("record_id", recordId);
        types.forEach(t -> n.withArray("types").add(t.id()));
        n.put("signal", signal);
        return EventJson.write(n);
    }

    public static Deletion fromJson(String json) {
        JsonNode n = EventJson.read(json);
        List<DataType> types = new ArrayList<>();
        for (JsonNode t : n.path("types")) {
            DataType.fromId(t.asText()).ifPresent(types::add);
        }
        return new Deletion(n.path("record_id").asText(null), types, n.path("signal").asText(null));
    }
}
