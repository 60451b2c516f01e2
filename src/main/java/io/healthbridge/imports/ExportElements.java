package io.healthbridge.imports;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.provider.applehealth.AppleHealthMapper;
import io.healthbridge.provider.applehealth.AppleSleep;

/**
 * An export's elements as the {@code apple_health} mapper takes them: each top-level element as it is read, except
 * sleep samples, which HealthKit stores one per stage and this gathers into nights per source ({@code SleepNight}):
 * a source's night is given out once one of its samples starts more than {@link AppleSleep#NIGHT_GAP} after the
 * night's latest end, or any sample starts a day after it ended, and every night still open at the end of the file.
 * Memory holds one night per source, and at most {@link #MAX_OPEN} nights.
 *
 * <p>Elements are numbered in document order ({@link #index}), so an import can resume: {@link #resumePoint} is the
 * first element not yet given out, counting the samples of nights still open.
 */
final class ExportElements implements Closeable {

    static final String SLEEP = "HKCategoryTypeIdentifierSleepAnalysis";
    /** A source's night is over once a sample this much later of any source is read. */
    static final Duration STALE_NIGHT = Duration.ofHours(24);
    /** Nights open at once, at most (one per source is the usual): past it the oldest are given out. */
    static final int MAX_OPEN = 1000;

    private record Night(long firstIndex, ArrayNode samples, OffsetDateTime start, OffsetDateTime end) {
    }

    private final ExportXml xml;
    private final Map<String, Night> open = new LinkedHashMap<>();
    private final Deque<ObjectNode> ready = new ArrayDeque<>();
    private long index;
    private boolean ended;

    ExportElements(InputStream in) throws ImportException {
        this.xml = new ExportXml(in);
    }

    OffsetDateTime exportDate() {
        return xml.exportDate();
    }

    /** Elements read so far from the document. */
    long index() {
        return index;
    }

    /** The index of the first element not given out yet: an import resumed from here loses nothing. */
    long resumePoint() {
        long first = index;
        for (Night n : open.values()) {
            first = Math.min(first, n.firstIndex());
        }
        return first;
    }

    /**
     * The next element for the mapper, or null at the end. Elements before {@code skipBefore} are read and dropped
     * (they were imported before a restart); sleep samples from {@code sleepFrom} on are gathered again.
     */
    ObjectNode next(long skipBefore, long sleepFrom) throws ImportException {
        while (ready.isEmpty()) {
            if (ended) {
                return null;
            }
            ObjectNode e = xml.next();
            if (e == null) {
                ended = true;
                open.values().forEach(n -> ready.add(night(n)));
                open.clear();
                continue;
            }
            long i = index++;
            boolean sleep = "Record".equals(e.path("element").asText()) && SLEEP.equals(e.path("type").asText());
            if (sleep && i >= sleepFrom) {
                gather(e, i);
            } else if (!sleep && i >= skipBefore) {
                ready.add(e);
            }
        }
        return ready.poll();
    }

    private void gather(ObjectNode sample, long i) {
        OffsetDateTime start = time(sample.path("startDate").asText(null));
        OffsetDateTime end = time(sample.path("endDate").asText(null));
        if (start == null || end == null) {
            ready.add(single(sample, i)); // its times are broken: a night of its own, which the mapper refuses
            return;
        }
        // nights of other sources that ended long before this sample are over (an export lists a type's samples in
        // time order); without this, a source seen once would hold its night to the end of the file
        OffsetDateTime over = start.minus(STALE_NIGHT);
        open.values().removeIf(n -> {
            boolean done = n.end().isBefore(over) || open.size() > MAX_OPEN;
            if (done) {
                ready.add(night(n));
            }
            return done;
        });
        String source = AppleHealthMapper.sourceKey(sample.path("sourceName").asText(null),
                sample.path("device").asText(null));
        Night night = open.get(source);
        if (night != null && (start.isAfter(night.end().plus(AppleSleep.NIGHT_GAP))
                              || end.isBefore(night.start().minus(AppleSleep.NIGHT_GAP)))) {
            ready.add(night(night));
            night = null;
        }
        if (night == null) {
            night = new Night(i, EventJson.MAPPER.createArrayNode(), start, end);
        }
        night.samples().add(sample);
        open.put(source, new Night(night.firstIndex(), night.samples(),
                start.isBefore(night.start()) ? start : night.start(), end.isAfter(night.end()) ? end : night.end()));
    }

    private static ObjectNode night(Night n) {
        ObjectNode first = (ObjectNode) n.samples().get(0);
        ObjectNode night = EventJson.object();
        night.put("element", "SleepNight");
        for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("element") && !f.equals("value") && !f.equals("metadata")) {
                night.set(f, first.get(f));
            }
        }
        night.set("records", n.samples());
        return night;
    }

    private static ObjectNode single(ObjectNode sample, long i) {
        ArrayNode one = EventJson.MAPPER.createArrayNode();
        one.add(sample);
        return night(new Night(i, one, null, null));
    }

    private static OffsetDateTime time(String text) {
        try {
            return text == null ? null : OffsetDateTime.parse(text.trim(), ExportTimes.FORMAT);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        xml.close();
    }
}
