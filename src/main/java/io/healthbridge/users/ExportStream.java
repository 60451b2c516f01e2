package io.healthbridge.users;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.FhirRenderer;
import io.healthbridge.event.WorkoutStreams;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.StoredEvent;

/**
 * Everything held about a user as NDJSON, read a page of events at a time as the client reads it, so memory stays
 * flat for any number of events. {@code cloudevents}: one line per connection first ({@code
 * healthbridge.export.connection}, never its tokens), then every stored event as it was published; {@code fhir}: one
 * Observation per line, as FHIR bulk data does (measurements only).
 */
public final class ExportStream extends InputStream {

    public static final String CLOUDEVENTS = "cloudevents";
    public static final String FHIR = "fhir";
    static final int PAGE = 500;

    private final EventStore events;
    private final String userId;
    private final boolean fhir;
    private byte[] buffer;
    private int pos;
    private long afterSeq;
    private boolean done;

    public ExportStream(EventStore events, String userId, String format, List<Map<String, Object>> connections) {
        this.events = events;
        this.userId = userId;
        this.fhir = FHIR.equals(format);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        if (!fhir) {
            for (Map<String, Object> c : connections) {
                line(head, EventJson.write(EventJson.MAPPER.valueToTree(Map.of("type", "healthbridge.export.connection",
                        "subject", userId, "data", c))));
            }
        }
        buffer = head.toByteArray();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        while (pos >= buffer.length) {
            if (done) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, buffer.length - pos);
        System.arraycopy(buffer, pos, b, off, n);
        pos += n;
        return n;
    }

    private void fill() {
        List<StoredEvent> page = events.after(afterSeq, null, userId, null, PAGE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.size() * 600);
        for (StoredEvent e : page) {
            afterSeq = e.seq();
            if (!fhir) {
                line(out, withStreams(e));
            } else if (e.type().startsWith("health.")) {
                line(out, FhirRenderer.toJson(CanonicalEvent.fromJson(EventJson.read(e.payload()))));
            }
        }
        done = page.size() < PAGE;
        buffer = out.toByteArray();
        pos = 0;
    }

    /** A workout whose streams are kept beside it is exported with them inline: the export holds everything. */
    private String withStreams(StoredEvent e) {
        if (!"health.workout".equals(e.type()) || !e.payload().contains("/streams\"")) {
            return e.payload();
        }
        JsonNode event = EventJson.read(e.payload());
        if (!WorkoutStreams.isLink(event.path("data").path("streams"))) {
            return e.payload();
        }
        return events.streams(e.id()).map(streams -> {
            ((ObjectNode) event.get("data")).set("streams", EventJson.read(streams));
            return EventJson.write(event);
        }).orElse(e.payload());
    }

    private static void line(ByteArrayOutputStream out, String json) {
        out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }
}
