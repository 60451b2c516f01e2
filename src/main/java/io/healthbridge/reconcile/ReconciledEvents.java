package io.healthbridge.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;

/**
 * A reconciled day as canonical events of the source {@code healthbridge/reconciled} (provider {@code reconciled}):
 * one total per cumulative type for the day, the main sleep of the night, one workout per session seen by any number
 * of sources, one reading per reading. A result copies the figures of the source that won it; its provenance says
 * the day, the rule, the sources and the events it was derived from.
 *
 * <p>A result's key is stable while the result is the same thing (the day's total of steps; the workout starting
 * first among its sources), so a recomputation is a new version of it. The id covers the key, the content and the
 * version it replaces, so a value that changes back is a new version too, and recomputing an unchanged day makes
 * the same event again (a duplicate the store drops).
 */
final class ReconciledEvents {

    private ReconciledEvents() {
    }

    static List<CanonicalEvent> of(DayView.Day d) {
        List<Draft> out = new ArrayList<>();
        d.totals().forEach((type, r) -> {
            ObjectNode data = EventJson.object();
            data.put("start", EventBuilder.format(d.start()));
            data.put("end", EventBuilder.format(d.end()));
            DataType dt = DataType.fromId(type).orElseThrow();
            if (dt.loinc() != null) {
                data.set("code", dt.loinc().toJson());
            }
            data.set("value", EventBuilder.quantityNode(r.total(), dt.unit(), dt.unit()));
            ArrayNode sources = EventJson.MAPPER.createArrayNode();
            List<String> ids = new ArrayList<>();
            for (Cumulative.Share s : r.shares()) {
                ObjectNode share = sources.addObject();
                share.put("source", s.source());
                share.put("value", s.value());
                ids.addAll(s.eventIds());
            }
            out.add(new Draft(type, "total", data, DayView.RULE_TOTAL, sources, ids));
        });
        if (d.night() != null) {
            List<DayView.Stored> night = new ArrayList<>(List.of(d.night().main()));
            night.addAll(d.night().also());
            out.add(copy("sleep_session", "main_sleep", night, DayView.RULE_SLEEP));
        }
        for (List<DayView.Stored> g : d.workouts()) {
            out.add(copy("workout", "workout|" + earliest(g), g, DayView.RULE_WORKOUT));
        }
        d.readings().forEach((type, groups) -> groups.forEach(g ->
                out.add(copy(type, "reading|" + earliest(g), g, DayView.RULE_READING))));
        return out.stream().map(draft -> draft.event(d)).toList();
    }

    /** What a result holds before its key and id: the winner's figures (first of {@code from}) or a total. */
    private record Draft(String type, String discriminator, ObjectNode data, String rule, ArrayNode sources,
                         List<String> derivedFrom) {

        CanonicalEvent event(DayView.Day d) {
            ObjectNode out = EventJson.object();
            String key = CanonicalEvent.RECONCILED + ":" + type + ":"
                         + EventJson.sha256(String.join("|", d.user(), d.date().toString(), type, discriminator))
                                 .substring(0, 32);
            out.put("key", key);
            out.put("user_id", d.user());
            out.put("provider", CanonicalEvent.RECONCILED);
            out.put("data_type", type);
            out.setAll(data);
            ObjectNode prov = out.putObject("provenance");
            prov.put("provider", CanonicalEvent.RECONCILED);
            prov.put("day", d.date().toString());
            prov.put("rule", rule);
            prov.set("sources", sources);
            ArrayNode ids = prov.putArray("derived_from");
            derivedFrom.forEach(ids::add);
            return new CanonicalEvent(null, DataType.fromId(type).orElseThrow(), d.user(), out.path("start").asText(),
                    out);
        }
    }

    /** The content digest of a reconciled event: its data without when it was computed. */
    static String content(JsonNode data) {
        ObjectNode copy = data.deepCopy();
        ((ObjectNode) copy.path("provenance")).remove("fetched_at");
        return EventJson.sha256(EventJson.write(EventJson.canonical(copy)));
    }

    /**
     * The event as published: its id covers key, content and the id of the version it replaces (null for the first),
     * and it is stamped with when it was computed.
     */
    static CanonicalEvent version(CanonicalEvent draft, String replaces, Instant now) {
        String id = EventJson.sha256("reconciled\n" + draft.key() + "\n" + content(draft.data()) + "\n"
                                     + (replaces == null ? "" : replaces)).substring(0, 32);
        ObjectNode data = draft.data().deepCopy();
        ((ObjectNode) data.path("provenance")).put("fetched_at", now.toString());
        return new CanonicalEvent(id, draft.dataType(), draft.subject(), draft.time(), data);
    }

    private static Draft copy(String type, String discriminator, List<DayView.Stored> from, String rule) {
        ObjectNode data = from.get(0).data().deepCopy();
        for (String field : List.of("key", "user_id", "provider", "data_type", "provenance")) {
            data.remove(field);
        }
        ArrayNode sources = EventJson.MAPPER.createArrayNode();
        from.forEach(s -> sources.addObject().put("source", s.source()));
        return new Draft(type, discriminator, data, rule, sources, from.stream().map(DayView.Stored::id).toList());
    }

    /** The earliest start of a group: the result's identity while its sources come and go. */
    private static Instant earliest(List<DayView.Stored> group) {
        return group.stream().map(DayView.Stored::start).min(Comparator.naturalOrder()).orElseThrow();
    }
}
