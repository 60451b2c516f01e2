package io.healthbridge.imports;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/**
 * Reads an Apple Health {@code export.xml} as a stream with StAX (never the whole document; DTD processing and
 * external entities off), one top-level element at a time, each as JSON the {@code apple_health} mapper reads:
 * attributes as fields, {@code MetadataEntry}s as {@code metadata}, a correlation's records as {@code records}, a
 * workout's events, statistics (also those nested in a {@code WorkoutActivity}) and routes, an HRV record's beats.
 */
final class ExportXml implements Closeable {

    /** Child elements kept as lists, and the field each goes in. */
    private static final Map<String, String> LISTS = Map.of("Record", "records", "WorkoutEvent", "events",
            "WorkoutStatistics", "statistics", "WorkoutRoute", "routes", "InstantaneousBeatsPerMinute", "beats",
            "WorkoutActivity", "activities", "FileReference", "files");
    /** Kept on the top-level element whatever their depth (a WorkoutActivity's statistics are its workout's). */
    private static final Map<String, Boolean> HOISTED = Map.of("WorkoutStatistics", true,
            "InstantaneousBeatsPerMinute", true);

    private final XMLStreamReader xml;
    private OffsetDateTime exportDate;
    private boolean started;

    ExportXml(InputStream in) throws ImportException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        try {
            xml = factory.createXMLStreamReader(new CleanXmlReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (XMLStreamException e) {
            throw new ImportException("not an XML document: " + e.getMessage());
        }
    }

    /** The export's date ({@code ExportDate}), once read; its offset places the days of activity summaries. */
    OffsetDateTime exportDate() {
        return exportDate;
    }

    /** The next top-level element (a Record, Correlation, Workout, ActivitySummary, …), or null at the end. */
    ObjectNode next() throws ImportException {
        try {
            if (!started) {
                start();
            }
            while (xml.hasNext()) {
                int e = xml.next();
                if (e == XMLStreamConstants.END_ELEMENT) {
                    return null; // </HealthData>
                }
                if (e != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String name = xml.getLocalName();
                if ("ExportDate".equals(name)) {
                    exportDate = date(xml.getAttributeValue(null, "value"));
                    skip();
                } else if ("Me".equals(name)) {
                    skip(); // characteristics (birth date, sex), not measurements: never read
                } else {
                    ObjectNode node = element(null);
                    if ("Record".equals(name) && node.has("source") && !node.has("sourceName")) {
                        throw new ImportException("an export of iOS 9 or earlier (records name their app in "
                                                  + "'source'): not a format this reads");
                    }
                    return node;
                }
            }
            return null;
        } catch (XMLStreamException e) {
            throw new ImportException("the export is not well-formed XML" + where(e) + ": " + message(e));
        }
    }

    private void start() throws XMLStreamException, ImportException {
        started = true;
        while (xml.hasNext()) {
            if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                if (!"HealthData".equals(xml.getLocalName())) {
                    throw new ImportException("not an Apple Health export: the document is <" + xml.getLocalName()
                                              + ">, not <HealthData>");
                }
                return;
            }
        }
        throw new ImportException("the document is empty");
    }

    /** The element the reader is on, with its children, as JSON; {@code top} collects hoisted children. */
    private ObjectNode element(ObjectNode top) throws XMLStreamException {
        ObjectNode node = EventJson.object();
        node.put("element", xml.getLocalName());
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            node.put(xml.getAttributeLocalName(i), xml.getAttributeValue(i));
        }
        ObjectNode root = top == null ? node : top;
        while (xml.hasNext()) {
            int e = xml.next();
            if (e == XMLStreamConstants.END_ELEMENT) {
                return node;
            }
            if (e != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String child = xml.getLocalName();
            if ("MetadataEntry".equals(child)) {
                ObjectNode metadata = node.has("metadata") ? (ObjectNode) node.get("metadata") : node.putObject("metadata");
                metadata.put(String.valueOf(xml.getAttributeValue(null, "key")),
                        String.valueOf(xml.getAttributeValue(null, "value")));
                skip();
                continue;
            }
            ObjectNode c = element(root);
            c.remove("element");
            String list = LISTS.get(child);
            if (list == null) {
                continue; // a wrapper (HeartRateVariabilityMetadataList) or an element with no place: its
                          // hoisted children are kept
            }
            ObjectNode owner = HOISTED.containsKey(child) ? root : node;
            ArrayNode array = owner.has(list) ? (ArrayNode) owner.get(list) : owner.putArray(list);
            array.add(c);
        }
        return node;
    }

    private void skip() throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && xml.hasNext()) {
            int e = xml.next();
            depth += e == XMLStreamConstants.START_ELEMENT ? 1 : e == XMLStreamConstants.END_ELEMENT ? -1 : 0;
        }
    }

    private static OffsetDateTime date(String value) {
        try {
            return value == null ? null : OffsetDateTime.parse(value.trim(), ExportTimes.FORMAT);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The line of the document's position: which line of a user's file is broken. */
    private static String where(XMLStreamException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNumber();
    }

    private static String message(XMLStreamException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int at = m.indexOf("Message: ");
        return at >= 0 ? m.substring(at + 9) : m;
    }

    @Override
    public void close() throws IOException {
        try {
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException(e);
        }
    }
}
