package io.healthbridge.imports;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.provider.applehealth.AppleHealthMapper;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one import: streams the export (a zip's {@code export.xml} entry, or the XML itself) through
 * {@link ExportElements}, publishes it a chunk at a time through {@code direct:ingest} (each chunk's events and dead
 * letters in one transaction, as every payload), and after each chunk records the counts and where a restart goes
 * on. A chunk published again after a crash is dropped as duplicates, never published twice.
 */
final class ImportRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);

    private final ImportStore store;
    private final ProducerTemplate producer;
    private final int chunk;
    private final long maxXmlBytes;

    ImportRunner(ImportStore store, ProducerTemplate producer, int chunk, long maxXmlBytes) {
        this.store = store;
        this.producer = producer;
        this.chunk = chunk;
        this.maxXmlBytes = maxXmlBytes;
    }

    /** Runs the job to its end; false when it stopped because the job is gone (its user was erased). */
    boolean run(ImportJob job) throws IOException, ImportException {
        if (!store.started(job.id())) {
            return false;
        }
        Path file = Path.of(job.filePath());
        try (Counting counted = new Counting(new BufferedInputStream(Files.newInputStream(file), 1 << 16), Long.MAX_VALUE);
             InputStream xml = export(counted);
             ExportElements elements = new ExportElements(xml)) {
            ArrayNode records = EventJson.MAPPER.createArrayNode();
            for (ObjectNode e; (e = elements.next(job.committed(), job.resumeFrom())) != null; ) {
                records.add(e);
                if (records.size() >= chunk) {
                    if (!publish(job, elements, records, counted.count)) {
                        return false;
                    }
                    records = EventJson.MAPPER.createArrayNode();
                    job = store.get(job.id()).orElse(job);
                    LOG.info("Import {}: {} % of the file, {} elements read, {} events, {} duplicates, {} dead letters",
                            job.id(), job.percent(), job.elementsRead(), job.events(), job.duplicates(),
                            job.deadLetters());
                }
            }
            if (!publish(job, elements, records, counted.count)) {
                return false;
            }
        }
        return true;
    }

    private boolean publish(ImportJob job, ExportElements elements, ArrayNode records, long bytes) {
        IngestSummary summary = null;
        if (!records.isEmpty()) {
            ObjectNode payload = EventJson.object();
            payload.set("records", records);
            String zone = elements.exportDate() == null ? "Z" : elements.exportDate().getOffset().getId();
            summary = producer.requestBodyAndHeaders("direct:ingest", payload, Map.of(
                    HealthbridgeHeaders.PROVIDER, AppleHealthMapper.PROVIDER,
                    HealthbridgeHeaders.DATASET, AppleHealthMapper.EXPORT,
                    HealthbridgeHeaders.USER_ID, job.userId(),
                    HealthbridgeHeaders.ZONE, "Z".equals(zone) ? ZoneOffset.UTC.getId() : zone), IngestSummary.class);
        }
        return store.progress(job, bytes, elements.index(), elements.resumePoint(), elements.index(), summary);
    }

    /** The export document: the entry {@code …/export.xml} of a zip (never {@code export_cda.xml}), or the file. */
    private InputStream export(InputStream in) throws IOException, ImportException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
            return new Counting(in, maxXmlBytes);
        }
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            String name = entry.getName();
            if (!entry.isDirectory() && (name.equals("export.xml") || name.endsWith("/export.xml"))) {
                return new Counting(zip, maxXmlBytes);
            }
        }
        throw new ImportException("the zip holds no export.xml (an Apple Health export has apple_health_export/"
                                  + "export.xml)");
    }

    /** Counts what is read; past {@code limit} bytes it refuses to go on (a zip that unpacks without end). */
    static final class Counting extends FilterInputStream {

        long count;
        private final long limit;
        private long mark;

        Counting(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }

        private void counted(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new IOException("the export is larger than healthbridge.imports.max-xml-bytes (" + limit
                                      + " bytes)");
            }
        }
    }
}
