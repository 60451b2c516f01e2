package io.healthbridge.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A LOINC code with its display name. */
public record Loinc(String code, String display) {

    public static final String SYSTEM = "http://loinc.org";

    /** The code as an event's {@code data.code}: {@code {"system", "code", "display"}}. */
    public ObjectNode toJson() {
        ObjectNode node = EventJson.object();
        node.put("system", SYSTEM);
        node.put("code", code);
        node.put("display", display);
        return node;
    }
}
