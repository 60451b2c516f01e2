package io.healthbridge.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds tombstones ({@code health.deleted}): one per deleted measurement, that is per {@code data.key}, naming every
 * event id published under that key (a revised measurement has several). The tombstone's id is a digest of the key and
 * those ids, so the same deletion told twice is one tombstone.
 */
public final class Tombstones {

    public static final String DELETED_AT_PROVIDER = "deleted_at_provider";

    private Tombstones() {
    }

    /**
     * @param deleted  the stored CloudEvents documents of the deleted events (any order, several per key allowed)
     * @param reason   why, such as {@link #DELETED_AT_PROVIDER}
     * @param signal   what said so, for people ("oura webhook: delete sleep 8f0e…")
     * @param at       when the deletion was received
     */
    public static List<CanonicalEvent> of(List<JsonNode> deleted, String reason, String signal, Instant at) {
        Map<String, List<JsonNode>> byKey = new LinkedHashMap<>();
        for (JsonNode ce : deleted) {
            String key = ce.path("data").path("key").asText(ce.path("id").asText());
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(ce);
        }
        List<CanonicalEvent> out = new ArrayList<>(byKey.size());
        byKey.forEach((key, events) -> out.add(tombstone(key, events, reason, signal, at)));
        return out;
    }

    private static CanonicalEvent tombstone(String key, List<JsonNode> events, String reason, String signal,
            Instant at) {
        JsonNode first = events.get(0);
        JsonNode d = first.path("data");
        TreeSet<String> ids = new TreeSet<>();
        events.forEach(e -> ids.add(e.path("id").asText()));
        ObjectNode data = EventJson.object();
        data.put("key", key);
        data.put("user_id", first.path("subject").asText());
        data.put("provider", d.path("provider").asText());
        data.put("data_type", DataType.DELETED.id());
        copy(d, data, "start");
        copy(d, data, "end");
        ObjectNode what = data.putObject("deleted");
        what.put("type", first.path("type").asText());
        what.put("data_type", d.path("data_type").asText());
        ArrayNode idList = what.putArray("ids");
        ids.forEach(idList::add);
        data.put("reason", reason);
        if (signal != null) {
            data.put("signal", signal);
        }
        data.put("deleted_at", at.toString());
        ObjectNode prov = data.putObject("provenance");
        JsonNode was = d.path("provenance");
        prov.put("provider", d.path("provider").asText());
        copy(was, prov, "provider_user_id");
        copy(was, prov, "source_record_id");
        prov.put("fetched_at", at.toString());
        String id = EventJson.sha256("deleted\n" + key + "\n" + String.join(",", ids)).substring(0, 32);
        String time = d.hasNonNull("start") ? d.get("start").asText() : first.path("time").asText();
        return new CanonicalEvent(id, DataType.DELETED, first.path("subject").asText(), time, data);
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }
}
