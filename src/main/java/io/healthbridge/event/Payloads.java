package io.healthbridge.event;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** What a provider payload holds, told apart from its envelope, for payloads a mapper found no record in. */
public final class Payloads {

    private static final int MAX_NAMES = 8;

    private Payloads() {
    }

    /**
     * Whether a payload carries data: a non-empty list at the top, or a non-empty list or object nested inside the
     * envelope. An envelope of scalars ({@code {"status":0,"body":{"more":false}}}) or of empty lists
     * ({@code {"data":[],"next_token":null}}) carries none: zero records from it is a true zero.
     */
    public static boolean carriesData(JsonNode payload) {
        if (payload == null) {
            return false;
        }
        if (payload.isArray()) {
            return !payload.isEmpty();
        }
        for (JsonNode child : payload) {
            if (child.isContainerNode()) {
                for (JsonNode grandchild : child) {
                    if (grandchild.isContainerNode() && !grandchild.isEmpty()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The payload's outline, names and kinds without values: {@code {status, body{series[1], more, offset}}}. */
    public static String shape(JsonNode payload) {
        return outline(payload, 2);
    }

    private static String outline(JsonNode node, int depth) {
        if (node.isArray()) {
            return "[" + node.size() + "]";
        }
        if (!node.isObject() || depth == 0) {
            return node.isObject() ? "{…}" : "";
        }
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && names.size() < MAX_NAMES;) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey().length() > 40 ? e.getKey().substring(0, 40) + "…" : e.getKey();
            names.add(key + outline(e.getValue(), depth - 1));
        }
        return "{" + String.join(", ", names) + (node.size() > MAX_NAMES ? ", …" : "") + "}";
    }

    /** Whether a body holds nothing but JSON whitespace. */
    public static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
