package io.healthbridge.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One canonical health event: a CloudEvents 1.0 structured-mode document whose {@code data} follows the JSON schema of
 * its {@link DataType}.
 */
public record CanonicalEvent(String id, DataType dataType, String subject, String time, ObjectNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";
    /** The provider name of reconciled results: one truth per person, computed from every source's events. */
    public static final String RECONCILED = "reconciled";
    public static final String SCHEMA_BASE = "https://schemas.healthbridge.io/v1/";

    public String type() {
        return dataType.eventType();
    }

    public String provider() {
        return data.path("provider").asText();
    }

    public String source() {
        return switch (dataType) {
            case WEBHOOK_DISABLED -> "healthbridge/webhooks";
            case USER_ERASED -> "healthbridge/users";
            default -> RECONCILED.equals(provider()) ? "healthbridge/reconciled" : "healthbridge/providers/" + provider();
        };
    }

    public String key() {
        return data.path("key").asText(null);
    }

    public String dataschema() {
        return SCHEMA_BASE + dataType.schemaName() + ".json";
    }

    /** The structured-mode CloudEvents JSON. */
    public ObjectNode toJson() {
        ObjectNode ce = EventJson.object();
        ce.put("specversion", SPEC_VERSION);
        ce.put("id", id);
        ce.put("source", source());
        ce.put("type", type());
        ce.put("subject", subject);
        ce.put("time", time);
        ce.put("datacontenttype", CONTENT_TYPE);
        ce.put("dataschema", dataschema());
        ce.set("data", data);
        return ce;
    }

    /** Reads a structured-mode CloudEvents document written by {@link #toJson()}. */
    public static CanonicalEvent fromJson(JsonNode ce) {
        String type = ce.path("type").asText();
        DataType dataType = DataType.fromEventType(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + type + "'"));
        JsonNode data = ce.get("data");
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException("event has no data object");
        }
        return new CanonicalEvent(ce.path("id").asText(), dataType, ce.path("subject").asText(),
                ce.path("time").asText(), (ObjectNode) data);
    }

    public String toJsonString() {
        return EventJson.write(toJson());
    }
}
