package io.healthbridge.event;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A workout's samples and route, compact: one array of offsets (seconds from the workout's start) and, per series, one
 * array of values at those offsets; the route a GeoJSON LineString ({@code [longitude, latitude]} or with altitude),
 * its i-th position at the i-th offset. A workout of at most {@link #INLINE_MAX_SAMPLES} samples carries them in
 * {@code data.streams}; a longer one carries a link ({@code href}, {@code samples}, {@code keys}) and the store keeps
 * them beside the event, served by {@code GET /api/v1/events/{id}/streams}.
 */
public final class WorkoutStreams {

    /** Most samples a workout carries in the event itself: about 40 KB of JSON with eight series and a route. */
    public static final int INLINE_MAX_SAMPLES = 1_000;

    private final ObjectNode streams = EventJson.object();
    private final ObjectNode series = EventJson.object();
    private final int samples;

    /** Streams of {@code offsets.size()} samples; offsets in seconds from the workout's start. */
    public WorkoutStreams(ArrayNode offsets) {
        this.samples = offsets.size();
        streams.put("samples", samples);
        streams.set("offsets_s", offsets);
        streams.set("series", series);
    }

    /** A series of values at the offsets, in its canonical unit. */
    public WorkoutStreams series(String name, String unit, ArrayNode values) {
        ObjectNode s = series.putObject(name);
        s.put("unit", unit);
        s.set("values", values);
        return this;
    }

    /** The route: positions as {@code [longitude, latitude]}, with the altitude in metres as a third when given. */
    public WorkoutStreams route(ArrayNode coordinates) {
        ObjectNode line = streams.putObject("route");
        line.put("type", "LineString");
        line.set("coordinates", coordinates);
        return this;
    }

    public int samples() {
        return samples;
    }

    public ObjectNode toJson() {
        return streams;
    }

    /** Where a workout's streams are served. */
    public static String href(String eventId) {
        return "/api/v1/events/" + eventId + "/streams";
    }

    /** The id of the event whose streams an {@link #href} names. */
    public static String eventOf(String href) {
        String prefix = "/api/v1/events/";
        return href.startsWith(prefix) && href.endsWith("/streams")
                ? href.substring(prefix.length(), href.length() - "/streams".length()) : "";
    }

    /** Whether this {@code data.streams} is a link to streams kept beside the event rather than the streams. */
    public static boolean isLink(JsonNode streams) {
        return streams != null && streams.has("href");
    }

    /**
     * The streams to keep beside the event, when it carries them inline and they are longer than
     * {@link #INLINE_MAX_SAMPLES}; otherwise null. The event's id was made from its whole content, streams included,
     * so a changed stream is a new version whichever way it is kept.
     */
    public static ObjectNode kept(CanonicalEvent event) {
        JsonNode streams = event.data().get("streams");
        if (streams == null || !streams.isObject() || isLink(streams)
                || streams.path("samples").asInt() <= INLINE_MAX_SAMPLES) {
            return null;
        }
        return (ObjectNode) streams;
    }

    /** The event as stored when its streams are {@link #kept} beside it: the same, with a link in their place. */
    public static String storedJson(CanonicalEvent event) {
        ObjectNode data = EventJson.object();
        data.setAll(event.data()); // a shallow copy: the event itself keeps its streams until it is stored
        data.set("streams", link(event));
        return new CanonicalEvent(event.id(), event.dataType(), event.subject(), event.time(), data).toJsonString();
    }

    /** Once stored, the event as delivered: long streams replaced by the link, as the store holds it. */
    public static void detach(CanonicalEvent event) {
        if (kept(event) != null) {
            event.data().set("streams", link(event));
        }
    }

    private static ObjectNode link(CanonicalEvent event) {
        JsonNode streams = event.data().get("streams");
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = streams.path("series").fieldNames(); it.hasNext();) {
            keys.add(it.next());
        }
        if (streams.has("route")) {
            keys.add("route");
        }
        ObjectNode link = EventJson.object();
        link.put("href", href(event.id()));
        link.put("samples", streams.path("samples").asInt());
        ArrayNode names = link.putArray("keys");
        keys.forEach(names::add);
        return link;
    }
}
