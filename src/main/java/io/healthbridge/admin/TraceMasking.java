package io.healthbridge.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/**
 * What a traced message may show once it leaves the process. Headers: the value of a few that describe the call
 * (method, path, content type, provider and dataset); every other header's value (credentials, signatures, user ids)
 * is masked. Body: a JSON body keeps its shape, its keys and the values of a few keys that name what the data is
 * (type, unit, provider…); every other value, health values and identifiers alike, is masked; an array shows its
 * first elements and its length. A body that is not JSON shows its length only.
 */
final class TraceMasking {

    static final String MASK = "***";
    private static final int ARRAY_SHOWN = 3;
    private static final Set<String> SHOWN_HEADERS = Set.of("camelhttpmethod", "camelhttppath", "content-type",
            "accept", "healthbridge.provider", "healthbridge.dataset", "camelhttpresponsecode");
    /** Keys whose string values say what the data is, never a measurement or who it is about. */
    private static final Set<String> SHOWN_KEYS = Set.of("type", "data_type", "unit", "provider", "dataset",
            "specversion", "datacontenttype", "dataschema", "source", "method", "context", "sport", "event_type",
            "data_type_name", "reason_code", "format", "version");

    private TraceMasking() {
    }

    /** The masked view of a Camel backlog tracer message ({@code BacklogTracerEventMessage.asJSon()}). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> message(Map<String, Object> traced) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object message = traced.get("message");
        Map<String, Object> m = message instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        Map<String, Object> headers = new LinkedHashMap<>();
        if (m.get("headers") instanceof List<?> list) {
            for (Object h : list) {
                if (h instanceof Map<?, ?> header && header.get("key") != null) {
                    String key = String.valueOf(header.get("key"));
                    headers.put(key, SHOWN_HEADERS.contains(key.toLowerCase(Locale.ROOT))
                            ? String.valueOf(header.get("value")) : MASK);
                }
            }
        }
        out.put("headers", headers);
        Object body = m.get("body") instanceof Map<?, ?> b ? b.get("value") : null;
        out.put("body", body == null ? null : body(unescape(String.valueOf(body))));
        return out;
    }

    /** The tracer keeps a body as JSON-escaped text ({@code {\"data\":…}}): the text itself. */
    static String unescape(String escaped) {
        try {
            return EventJson.MAPPER.readValue("\"" + escaped + "\"", String.class);
        } catch (Exception e) {
            return escaped;
        }
    }

    /** A body as its masked JSON tree, or a note of its length. */
    static Object body(String text) {
        String t = text.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                return mask(EventJson.read(t), null);
            } catch (RuntimeException e) {
                // not JSON after all: its length only
            }
        }
        return "[" + text.length() + " characters, not JSON: not shown]";
    }

    static JsonNode mask(JsonNode node, String key) {
        if (node.isObject()) {
            ObjectNode out = EventJson.object();
            node.fields().forEachRemaining(f -> out.set(f.getKey(), mask(f.getValue(), f.getKey())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = EventJson.MAPPER.createArrayNode();
            for (int i = 0; i < Math.min(ARRAY_SHOWN, node.size()); i++) {
                out.add(mask(node.get(i), key));
            }
            if (node.size() > ARRAY_SHOWN) {
                out.add("… " + (node.size() - ARRAY_SHOWN) + " more of " + node.size());
            }
            return out;
        }
        if (node.isNull()) {
            return node;
        }
        return key != null && SHOWN_KEYS.contains(key) && node.isTextual() ? node : EventJson.MAPPER.getNodeFactory()
                .textNode(MASK);
    }

    /** The masked views of a list of traced messages, with where and when each was taken. */
    static List<Map<String, Object>> all(List<Map<String, Object>> traced) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> t : traced) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String k : List.of("uid", "timestamp", "routeId", "toNode", "exchangeId", "elapsed", "done", "failed")) {
                m.put(k, t.get(k));
            }
            m.putAll(message(t));
            out.add(m);
        }
        return out;
    }
}
